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
        Proxy proxy,
        Dns dns,
        Callbacks callbacks,
        AgentLog agentLog,
        Backup backup,
        Path configFile) {

    /**
     * pgBackRest: one repository ({@code type} posix, s3, gcs or azure; {@code options} and the contents of
     * {@code secretFiles} become its {@code repo1-*} options), full backups kept, the cluster-wide schedule (cron,
     * null: none) and how soon a quiet primary's WAL reaches the archive. Null when backups are not configured.
     */
    public record Backup(String stanza, String repoType, Path repoPath, Map<String, String> repoOptions,
                         Map<String, Path> repoSecretFiles, int retentionFull, String schedule,
                         java.time.Duration archiveTimeout, int processMax) {}

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
            long logFileSizeBytes,
            int logFiles,
            Map<String, String> parameters) {}

    /** The agent's own log file, rolled at {@code fileSizeBytes} keeping {@code files}; null file: standard output. */
    public record AgentLog(Path file, long fileSizeBytes, int files) {
        public static final AgentLog STDOUT = new AgentLog(null, 10L << 20, 10);
    }

    /** The REST API; mutating requests need the token or the basic credentials (files, mode 0600). */
    public record Api(String host, int port, Path tokenFile, String username, Path passwordFile) {
        public String url() {
            return "http://" + host + ":" + port;
        }
    }

    /** The TCP proxy on this node: new connections go to the lease holder (read-write) or to standbys. */
    public record Proxy(boolean enabled, String listen, int readWritePort, int readOnlyPort) {}

    /** RFC 2136 updates of one record toward the primary; null when not configured. */
    public record Dns(String server, int port, String zone, String record, int ttl, String tsigKeyName,
                      String tsigAlgorithm, Path tsigSecretFile, String target, java.time.Duration reassertInterval) {}

    public record Callbacks(java.util.Map<String, List<String>> commands, java.time.Duration timeout) {}

    /** Exactly one of the two backends is set. */
    public record Dcs(Zookeeper zookeeper, Etcd etcd) {
        public Dcs(Zookeeper zookeeper) {
            this(zookeeper, null);
        }
    }

    /**
     * An external etcd v3 cluster: its client URLs (http:// or https://), the user and its password file when
     * authentication is on, the CA that signed the servers' certificates, and this node's client certificate.
     */
    public record Etcd(List<String> endpoints, String username, Path passwordFile, Path caFile, Path certFile,
                       Path keyFile) {}

    /** Either embedded (this node runs one peer of {@code peers} as its own process, pgha store) or external ({@code connect}). */
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

    /** nofailover: never promote; priority: among equally advanced candidates the higher wins (0: never promote). */
    public record Tags(boolean nofailover, int priority) {
        public boolean neverPromote() {
            return nofailover || priority == 0;
        }
    }
}
