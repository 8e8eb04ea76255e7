package io.pgha.postgres;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where the agent reaches its own server, and members' host names as the addresses pg_hba.conf needs. */
final class Addresses {
    private Addresses() {}

    /** The address the agent itself connects to, given {@code listen_addresses}. */
    static String agentAddress(String listen) {
        return listen.equals("*") || listen.equals("0.0.0.0") || listen.contains(",") ? "127.0.0.1" : listen;
    }

    /** The host's IP address; the name itself when it does not resolve. */
    static String resolve(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    static String forJdbcUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
