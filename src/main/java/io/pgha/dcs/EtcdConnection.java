package io.pgha.dcs;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Builds the jetcd client from {@code dcs.etcd}: endpoints, credentials, TLS, and a request deadline. */
final class EtcdConnection {
    private EtcdConnection() {}

    static Client open(NodeConfig.Etcd etcd, Duration connectTimeout) throws StoreException {
        List<URI> endpoints = etcd.endpoints().stream().map(URI::create).toList();
        // fail fast with the cause (refused, TLS, auth) rather than wait for a channel that never becomes ready
        ClientBuilder builder = Client.builder().endpoints(endpoints).connectTimeout(connectTimeout).waitForReady(false)
                .keepaliveTime(Duration.ofSeconds(10)).keepaliveTimeout(connectTimeout);
        if (etcd.username() != null) {
            builder.user(ByteSequence.from(etcd.username(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(EtcdClients.password(etcd.passwordFile()), StandardCharsets.UTF_8));
        }
        if (endpoints.getFirst().getScheme().equals("https")) {
            try {
                builder.authority(endpoints.getFirst().getHost()).sslContext(ssl -> {
                    if (etcd.caFile() != null) ssl.trustManager(etcd.caFile().toFile());
                    if (etcd.certFile() != null) ssl.keyManager(etcd.certFile().toFile(), etcd.keyFile().toFile());
                });
            } catch (IOException | IllegalArgumentException e) {
                throw new StoreException("dcs.etcd.ca_file, cert_file, key_file: cannot load the TLS files ("
                        + e.getMessage() + "): point them at readable PEM files (CA, client certificate, its key)", e);
            }
        }
        return builder.build();
    }
}
