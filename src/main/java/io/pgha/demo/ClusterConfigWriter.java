package io.pgha.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.IntFunction;

/** Writes a {@link LocalCluster}'s secrets (once, random, owner-only), its pgpass and each node's pgha.yaml. */
final class ClusterConfigWriter {
    private final LocalCluster cluster;
    private final Map<String, String> haSettings;
    private final String clientCidrs;
    private final IntFunction<String> extraConfig;

    ClusterConfigWriter(LocalCluster cluster, Map<String, String> haSettings, String clientCidrs,
                        IntFunction<String> extraConfig) {
        this.cluster = cluster;
        this.haSettings = haSettings;
        this.clientCidrs = clientCidrs;
        this.extraConfig = extraConfig;
    }

    void write() throws IOException {
        Path dir = cluster.dir();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secrets = dir.resolve("secrets");
        Files.createDirectories(secrets);
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        writeSecret(cluster.superuserPasswordFile());
        writeSecret(replicationPasswordFile());
        writeSecret(cluster.apiTokenFile());
        Files.writeString(dir.resolve("pgpass"), "*:*:*:postgres:" + cluster.superuserPassword() + "\n");
        Files.setPosixFilePermissions(dir.resolve("pgpass"), PosixFilePermissions.fromString("rw-------"));
        String peers = zookeeperPeers();
        for (int i = 0; i < cluster.size(); i++) {
            Files.createDirectories(cluster.nodeDir(i));
            Files.setPosixFilePermissions(cluster.nodeDir(i), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(cluster.configFile(i), nodeYaml(i, peers));
        }
    }

    private Path replicationPasswordFile() {
        return cluster.dir().resolve("secrets").resolve("replication.password");
    }

    private String zookeeperPeers() {
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < cluster.zkPeers(); i++) {
            peers.append("      - {name: ").append(cluster.name(i)).append(", host: ").append(cluster.host(i))
                    .append(", client_port: ").append(cluster.ports().zkClient(i))
                    .append(", quorum_port: ").append(cluster.ports().zkQuorum(i))
                    .append(", election_port: ").append(cluster.ports().zkElection(i)).append("}\n");
        }
        return peers.toString();
    }

    private String nodeYaml(int i, String peers) {
        StringBuilder ha = new StringBuilder();
        haSettings.forEach((k, v) -> ha.append("  ").append(k).append(": ").append(v).append('\n'));
        return "cluster: " + cluster.cluster() + "\n"
                + "name: " + cluster.name(i) + "\n"
                + "host: " + cluster.host(i) + "\n"
                + "postgres:\n"
                + "  data_dir: " + cluster.dataDir(i) + "\n"
                + "  port: " + cluster.pgPort(i) + "\n"
                + "  superuser_password_file: " + cluster.superuserPasswordFile() + "\n"
                + "  replication_password_file: " + replicationPasswordFile() + "\n"
                + "  allowed_client_cidrs: " + clientCidrs + "\n"
                + "  parameters: {shared_buffers: 32MB, max_connections: 50}\n"
                + "api:\n"
                + "  listen: " + cluster.host(i) + ":" + cluster.apiPort(i) + "\n"
                + "  token_file: " + cluster.apiTokenFile() + "\n"
                + "proxy:\n"
                + "  read_write_port: " + cluster.proxyPort(i) + "\n"
                + "  read_only_port: " + cluster.readOnlyProxyPort(i) + "\n"
                + dcsYaml(i, peers)
                + (ha.isEmpty() ? "" : "ha:\n" + ha)
                + extraConfig.apply(i);
    }

    private String dcsYaml(int i, String peers) {
        if (cluster.dcs().etcd() != null)
            return "dcs:\n  etcd:\n    endpoints: [" + String.join(", ", cluster.dcs().etcd().endpoints()) + "]\n";
        return "dcs:\n"
                + "  zookeeper:\n"
                + "    embedded: true\n"
                + "    data_dir: " + cluster.nodeDir(i).resolve("zookeeper") + "\n"
                + "    peers:\n" + peers;
    }

    private static void writeSecret(Path file) throws IOException {
        if (Files.exists(file)) return;
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, HexFormat.of().formatHex(b) + "\n");
    }
}
