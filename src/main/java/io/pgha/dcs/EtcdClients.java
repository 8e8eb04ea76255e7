package io.pgha.dcs;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** Picks the etcd client; the system property {@code pgha.etcd.client} ({@code http} or {@code jetcd}) exists to measure one against the other. */
final class EtcdClients {
    static final String PROPERTY = "pgha.etcd.client";

    enum Kind { HTTP, JETCD }

    private EtcdClients() {}

    static Kind configured() {
        String value = System.getProperty(PROPERTY, "jetcd").strip().toUpperCase(Locale.ROOT);
        try {
            return Kind.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value.toLowerCase(Locale.ROOT)
                    + ": unknown etcd client: use http or jetcd");
        }
    }

    /** @param timeout bounds connecting and each request (the store's request timeout) */
    static EtcdClient open(NodeConfig.Etcd etcd, Duration timeout) throws StoreException {
        return switch (configured()) {
            case HTTP -> new EtcdHttpClient(etcd, timeout);
            case JETCD -> new JetcdClient(etcd, timeout);
        };
    }

    static String password(Path file) throws StoreException {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new StoreException("dcs.etcd.password_file: cannot read " + file + " (" + e.getMessage()
                    + "): create it with the etcd user's password on one line, mode 0600", e);
        }
    }
}
