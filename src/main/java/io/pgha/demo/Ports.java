package io.pgha.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Which of a host's TCP ports cannot be bound now. */
final class Ports {
    private Ports() {}

    static List<String> busy(String host, List<Integer> ports) {
        List<String> busy = new ArrayList<>();
        for (int p : ports) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(host, p));
            } catch (IOException e) {
                busy.add(host + ":" + p);
            }
        }
        return busy;
    }
}
