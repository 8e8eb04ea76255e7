package io.pgha.init;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code pgha init}'s command line as typed, before any check: node specs are {@code NAME=ADDRESS}; an empty
 * {@code storePeers} means the default (the first three nodes); {@code etcd} replaces the embedded store.
 */
public record InitRequest(String cluster, List<String> nodes, List<String> allow, List<String> storePeers,
                          List<String> etcd, String dnsServer, String dnsZone, String dnsRecord, int postgresVersion,
                          Path out, boolean rotateSecrets) {
    public InitRequest {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        allow = allow == null ? List.of() : List.copyOf(allow);
        storePeers = storePeers == null ? List.of() : List.copyOf(storePeers);
        etcd = etcd == null ? List.of() : List.copyOf(etcd);
    }
}
