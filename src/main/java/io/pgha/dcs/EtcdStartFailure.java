package io.pgha.dcs;

import io.pgha.config.NodeConfig;
import java.util.Locale;

/** Turns a failed first contact with etcd into one line that names the setting at fault and the fix. */
final class EtcdStartFailure {
    private EtcdStartFailure() {}

    static StoreException explain(StoreException e, NodeConfig.Etcd etcd) {
        if (e.getMessage() != null && e.getMessage().startsWith("ha.ttl:")) return e;
        String all = chain(e);
        String at = String.join(",", etcd.endpoints());
        String lower = all.toLowerCase(Locale.ROOT);
        String tls = e instanceof StoreUnavailableException ? EtcdTlsProbe.handshakeProblem(etcd) : null;
        if (tls != null) {
            lower = tls.toLowerCase(Locale.ROOT);
            all = tls;
            if (!lower.contains("pkix") && !lower.contains("certification path"))
                return new StoreException("dcs.etcd.cert_file: etcd at " + at + " refused the TLS handshake (" + tls
                        + "): set cert_file and key_file to a client certificate signed by a CA etcd trusts", e);
        }
        if (lower.contains("pkix") || lower.contains("certification path") || lower.contains("sslhandshake")
                || lower.contains("certificate_unknown") || lower.contains("bad_certificate") || lower.contains("unknown_ca"))
            return new StoreException("dcs.etcd.ca_file: the TLS handshake with etcd at " + at + " failed (" + lastLine(all)
                    + "): set ca_file to the CA that signed the etcd servers' certificates"
                    + (etcd.certFile() == null ? "" : ", and cert_file/key_file to a client certificate etcd trusts"), e);
        if (lower.contains("authentication failed") || lower.contains("invalid user id or password"))
            return new StoreException("dcs.etcd.password_file: etcd at " + at + " refused user '" + etcd.username()
                    + "' with the password in " + etcd.passwordFile() + ": check dcs.etcd.username and the password file", e);
        if (lower.contains("user name is empty") || lower.contains("permission denied") || lower.contains("invalid auth token"))
            return new StoreException("dcs.etcd.username: etcd at " + at + " requires authentication (" + lastLine(all)
                    + "): set dcs.etcd.username and dcs.etcd.password_file to an etcd user with access to /pgha/", e);
        if (e instanceof StoreUnavailableException)
            return new StoreUnavailableException("dcs.etcd.endpoints: no etcd member answered at " + at + " (" + lastLine(all)
                    + "): check that etcd runs there and that dcs.etcd.endpoints lists its client URLs", e);
        return new StoreException("dcs.etcd: " + e.getMessage(), e);
    }

    private static String chain(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) sb.append(t).append('\n');
        return sb.toString();
    }

    private static String lastLine(String chain) {
        String[] lines = chain.strip().split("\n");
        return lines[lines.length - 1];
    }
}
