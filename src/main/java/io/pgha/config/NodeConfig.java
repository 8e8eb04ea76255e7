package io.pgha.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One node's validated configuration (the YAML file given to {@code pgha agent -c}). */
public record NodeConfig(
        String cluster,
        String name,
        String host,
        Postgres postgres,
        Api api,
        Dcs dcs,
        HaSettings ha,
        Tags tags,
        Path configFile) {

    public record Postgres(
            Path binDir,
            Path dataDir,
            String listen,
            int port,
            String osUser,
            String superuser,
            Path superuserPasswordFile,
            String replicationUser,
            Path replicationPasswordFile,
            List<Cidr> allowedClientCidrs,
            long maxSlotWalKeepSizeBytes,
            Map<String, String> parameters) {}

    public record Api(String host, int port) {
        public String url() {
            return "http://" + host + ":" + port;
        }
    }

    public record Dcs(Zookeeper zookeeper) {}

    /** Either embedded (this agent hosts one peer of {@code peers}) or external ({@code connect}). */
    public record Zookeeper(boolean embedded, Path dataDir, List<ZkPeer> peers, String connect) {
        public String connectString() {
            if (connect != null && !connect.isBlank()) return connect;
            StringBuilder sb = new StringBuilder();
            for (ZkPeer p : peers) {
                if (!sb.isEmpty()) sb.append(',');
                sb.append(p.host()).append(':').append(p.clientPort());
            }
            return sb.toString();
        }
    }

    public record ZkPeer(String name, String host, int clientPort, int quorumPort, int electionPort) {}

    public record Tags(boolean nofailover) {}
}
