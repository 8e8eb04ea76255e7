package io.pgha.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Turns a {@link RawConfig} into a {@link NodeConfig}, collecting every problem with its field name. */
public final class ConfigValidator {
    static final String DEFAULT_BIN_DIR = "/usr/lib/postgresql/15/bin";
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_-]{0,62}";

    /** PostgreSQL settings pgha writes itself; setting them by hand would break replication or fencing. */
    public static final Set<String> MANAGED_PARAMETERS = Set.of(
            "port", "listen_addresses", "wal_level", "hot_standby", "max_wal_senders", "max_replication_slots",
            "wal_log_hints", "primary_conninfo", "primary_slot_name", "recovery_target_timeline",
            "hba_file", "data_directory", "config_file", "unix_socket_directories", "max_slot_wal_keep_size",
            "synchronous_standby_names", "archive_mode", "archive_command", "archive_library", "archive_timeout",
            "restore_command",
            "logging_collector", "log_directory", "log_filename", "log_rotation_size");

    private final List<String> problems = new ArrayList<>();

    private ConfigValidator() {}

    /** Whether {@code name} is a valid cluster or node name (letters, digits, '_' and '-', at most 63). */
    public static boolean validName(String name) {
        return name != null && name.matches(NAME);
    }

    static NodeConfig validate(RawConfig raw, Path source) throws ConfigException {
        ConfigValidator v = new ConfigValidator();
        NodeConfig config = v.build(raw, source);
        if (!v.problems.isEmpty()) throw new ConfigException(v.problems);
        return config;
    }

    private NodeConfig build(RawConfig raw, Path source) {
        String cluster = required("cluster", raw.cluster(), "the cluster's name, the same on every node");
        if (cluster != null && !cluster.matches(NAME))
            problem("cluster", "'" + cluster + "' may use only letters, digits, '_' and '-'");
        String name = required("name", raw.name(), "this node's unique name, e.g. node1");
        if (name != null && !name.matches(NAME))
            problem("name", "'" + name + "' may use only letters, digits, '_' and '-' (at most 63)");
        String host = required("host", raw.host(), "the address other nodes and clients use to reach this node");

        var rp = raw.postgres() != null ? raw.postgres() : new RawConfig.RawPostgres(null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
        Path binDir = Path.of(rp.binDir() != null ? rp.binDir() : DEFAULT_BIN_DIR);
        Path dataDir = absolutePath("postgres.data_dir", required("postgres.data_dir", rp.dataDir(),
                "an absolute path for this node's PostgreSQL data directory"));
        int port = port("postgres.port", rp.port(), 5432);
        String superPw = required("postgres.superuser_password_file", rp.superuserPasswordFile(),
                "a file (mode 0600) holding the PostgreSQL superuser's password");
        String replPw = required("postgres.replication_password_file", rp.replicationPasswordFile(),
                "a file (mode 0600) holding the replication role's password");
        List<Cidr> cidrs = new ArrayList<>();
        if (rp.allowedClientCidrs() != null) {
            for (int i = 0; i < rp.allowedClientCidrs().size(); i++) {
                try {
                    cidrs.add(Cidr.parse(rp.allowedClientCidrs().get(i)));
                } catch (IllegalArgumentException e) {
                    problem("postgres.allowed_client_cidrs[" + i + "]", e.getMessage());
                }
            }
        }
        long slotKeep = parse("postgres.max_slot_wal_keep_size", rp.maxSlotWalKeepSize(), "1GB", Units::bytes);
        long logFileSize = logFileSize("postgres.log_file_size", rp.logFileSize());
        int logFiles = logFiles("postgres.log_files", rp.logFiles(), Integer.MAX_VALUE);
        Map<String, String> params = new LinkedHashMap<>();
        if (rp.parameters() != null) {
            rp.parameters().forEach((k, val) -> {
                if (MANAGED_PARAMETERS.contains(k))
                    problem("postgres.parameters." + k, "is managed by pgha and cannot be set here; remove it");
                else if (!k.matches("[a-z_][a-z0-9_.]*"))
                    problem("postgres.parameters." + k, "is not a PostgreSQL parameter name");
                else params.put(k, String.valueOf(val));
            });
        }
        String user = or(rp.superuser(), "postgres");
        String replUser = or(rp.replicationUser(), "replicator");
        if (user.equals(replUser))
            problem("postgres.replication_user", "must differ from postgres.superuser");
        var postgres = new NodeConfig.Postgres(binDir, dataDir, or(rp.listen(), host), port,
                or(rp.osUser(), "postgres"), user, superPw == null ? null : Path.of(superPw), replUser,
                replPw == null ? null : Path.of(replPw), List.copyOf(cidrs), slotKeep, logFileSize, logFiles,
                Map.copyOf(params));

        NodeConfig.Api api = api(raw.api(), host);
        NodeConfig.Dcs dcs = dcs(raw.dcs(), name, dataDir);
        HaSettings ha = ha(raw.ha());
        if (dcs.etcd() != null) new EtcdValidator(problems).checkTtl(ha.ttl());
        int priority = raw.tags() == null || raw.tags().priority() == null ? 1 : raw.tags().priority();
        if (priority < 0) problem("tags.priority", priority + " must be 0 (never promote) or more");
        var tags = new NodeConfig.Tags(raw.tags() != null && Boolean.TRUE.equals(raw.tags().nofailover()), Math.max(0, priority));
        return new NodeConfig(cluster, name, host, postgres, api, dcs, ha, tags, proxy(raw.proxy(), host),
                dns(raw.dns(), host), callbacks(raw.callbacks()), agentLog(raw.agentLog()),
                new BackupValidator(problems).validate(raw.backup(), cluster), source);
    }

    private NodeConfig.AgentLog agentLog(RawConfig.RawAgentLog raw) {
        if (raw == null) return NodeConfig.AgentLog.STDOUT;
        Path file = absolutePath("agent_log.file", required("agent_log.file", raw.file(),
                "an absolute path for the agent's log file, e.g. /var/log/pgha/agent.log"));
        // logback's fixed window keeps at most 20 files
        return new NodeConfig.AgentLog(file, logFileSize("agent_log.file_size", raw.fileSize()),
                logFiles("agent_log.files", raw.files(), 20));
    }

    private long logFileSize(String field, String value) {
        long size = parse(field, value, "10MB", Units::bytes);
        if (size >= 1L << 10 && size <= 1L << 30) return size;
        problem(field, "'" + value + "' must be between 1kB and 1GB, e.g. 10MB");
        return 10L << 20;
    }

    private int logFiles(String field, Integer value, int max) {
        if (value == null) return 10;
        if (value >= 2 && value <= max) return value;
        problem(field, value + " must be at least 2 (the file being written and one before it)"
                + (max < Integer.MAX_VALUE ? " and at most " + max : ""));
        return Math.max(2, Math.min(value, max));
    }

    private NodeConfig.Proxy proxy(RawConfig.RawProxy raw, String host) {
        if (raw == null) return new NodeConfig.Proxy(true, host, 5000, 5001);
        int rw = port("proxy.read_write_port", raw.readWritePort(), 5000);
        int ro = port("proxy.read_only_port", raw.readOnlyPort(), 5001);
        if (rw == ro) problem("proxy.read_only_port", ro + " is also proxy.read_write_port; use two ports");
        return new NodeConfig.Proxy(raw.enabled() == null || raw.enabled(), raw.listen() != null ? raw.listen() : host, rw, ro);
    }

    private NodeConfig.Dns dns(RawConfig.RawDns raw, String host) {
        if (raw == null) return null;
        String server = required("dns.server", raw.server(), "the address of the DNS server that takes the updates");
        String zone = required("dns.zone", raw.zone(), "the zone the record lives in, e.g. db.example.com");
        String record = required("dns.record", raw.record(), "the name that points at the primary, e.g. primary");
        String key = required("dns.tsig_key_name", raw.tsigKeyName(), "the TSIG key's name as the DNS server knows it");
        String secret = required("dns.tsig_secret_file", raw.tsigSecretFile(), "a file (mode 0600) holding the TSIG secret (base64)");
        int ttl = raw.ttl() == null ? 5 : raw.ttl();
        if (ttl < 0) problem("dns.ttl", ttl + " must not be negative");
        java.time.Duration every = parse("dns.reassert_interval", raw.reassertInterval(), "60s", Units::duration);
        return new NodeConfig.Dns(server, port("dns.port", raw.port(), 53), zone, record, ttl, key,
                raw.tsigAlgorithm() != null ? raw.tsigAlgorithm() : "hmac-sha256", secret == null ? null : Path.of(secret),
                raw.target() != null ? raw.target() : host, every);
    }

    private NodeConfig.Callbacks callbacks(RawConfig.RawCallbacks raw) {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        if (raw == null) return new NodeConfig.Callbacks(Map.of(), java.time.Duration.ofSeconds(10));
        putCallback(commands, "on_start", raw.onStart());
        putCallback(commands, "on_stop", raw.onStop());
        putCallback(commands, "on_role_change", raw.onRoleChange());
        return new NodeConfig.Callbacks(Map.copyOf(commands), parse("callbacks.timeout", raw.timeout(), "10s", Units::duration));
    }

    private void putCallback(Map<String, List<String>> commands, String event, List<String> argv) {
        if (argv == null) return;
        if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank())
            problem("callbacks." + event, "must name a program and its arguments, e.g. [/usr/local/bin/vip, --move]");
        else if (!Path.of(argv.get(0)).isAbsolute())
            problem("callbacks." + event, "'" + argv.get(0) + "' must be an absolute path (callbacks run without a shell)");
        else commands.put(event, List.copyOf(argv));
    }

    private NodeConfig.Api api(RawConfig.RawApi raw, String host) {
        String listen = raw != null && raw.listen() != null ? raw.listen() : (host == null ? "127.0.0.1" : host) + ":8008";
        Path token = raw == null || raw.tokenFile() == null ? null : Path.of(raw.tokenFile());
        String user = raw == null ? null : raw.username();
        Path password = raw == null || raw.passwordFile() == null ? null : Path.of(raw.passwordFile());
        if ((user == null) != (password == null))
            problem("api.username", "api.username and api.password_file go together: set both, or neither");
        int colon = listen.lastIndexOf(':');
        int port = 8008;
        if (colon <= 0) {
            problem("api.listen", "'" + listen + "' must be host:port, e.g. 10.0.0.5:8008");
            return new NodeConfig.Api("127.0.0.1", 8008, token, user, password);
        }
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            problem("api.listen", "'" + listen + "' must end with a port number");
        }
        return new NodeConfig.Api(listen.substring(0, colon), port("api.listen", port, 8008), token, user, password);
    }

    private NodeConfig.Dcs dcs(RawConfig.RawDcs raw, String name, Path dataDir) {
        RawConfig.RawZookeeper zk = raw != null ? raw.zookeeper() : null;
        if (zk != null && raw.etcd() != null)
            problem("dcs", "has both zookeeper and etcd: keep the one the cluster uses");
        else if (raw != null && raw.etcd() != null) return new NodeConfig.Dcs(null, new EtcdValidator(problems).validate(raw.etcd()));
        if (zk == null) {
            problem("dcs.zookeeper", "is required: set embedded: true with peers, or connect: host:port,... (or dcs.etcd with endpoints)");
            return new NodeConfig.Dcs(null);
        }
        boolean embedded = zk.embedded() == null || zk.embedded();
        List<NodeConfig.ZkPeer> peers = new ArrayList<>();
        if (zk.peers() != null) {
            for (int i = 0; i < zk.peers().size(); i++) {
                var p = zk.peers().get(i);
                String f = "dcs.zookeeper.peers[" + i + "]";
                String pn = required(f + ".name", p.name(), "the name of the node hosting this peer");
                String ph = required(f + ".host", p.host(), "the address of the node hosting this peer");
                peers.add(new NodeConfig.ZkPeer(pn, ph, port(f + ".client_port", p.clientPort(), 2181),
                        port(f + ".quorum_port", p.quorumPort(), 2888), port(f + ".election_port", p.electionPort(), 3888)));
            }
        }
        if (embedded && peers.isEmpty())
            problem("dcs.zookeeper.peers", "is required when embedded is true: list the nodes that host a ZooKeeper peer (three for a three-node cluster)");
        if (embedded && peers.size() % 2 == 0 && !peers.isEmpty())
            problem("dcs.zookeeper.peers", "has " + peers.size() + " peers; use an odd number (3 or 5) so a majority survives a failure");
        if (!embedded && (zk.connect() == null || zk.connect().isBlank()))
            problem("dcs.zookeeper.connect", "is required when embedded is false: host:port,host:port of the external ensemble");
        if (!embedded && zk.connect() != null && !zk.connect().matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*(/[\\w/-]*)?"))
            problem("dcs.zookeeper.connect", "'" + zk.connect() + "' must be host:port[,host:port...]");
        Path zkDir = zk.dataDir() != null ? absolutePath("dcs.zookeeper.data_dir", zk.dataDir())
                : dataDir == null ? null : dataDir.resolveSibling(dataDir.getFileName() + "-zookeeper");
        return new NodeConfig.Dcs(new NodeConfig.Zookeeper(embedded, zkDir, List.copyOf(peers), embedded ? null : zk.connect()));
    }

    private HaSettings ha(RawConfig.RawHa raw) {
        HaSettings d = HaSettings.defaults();
        if (raw == null) return d;
        Duration ttl = parse("ha.ttl", raw.ttl(), null, Units::duration);
        Duration loop = parse("ha.loop_wait", raw.loopWait(), null, Units::duration);
        Duration margin = parse("ha.fence_margin", raw.fenceMargin(), null, Units::duration);
        Duration restart = parse("ha.postgres_restart_timeout", raw.postgresRestartTimeout(), null, Units::duration);
        Long lag = raw.maximumLagOnFailover() == null ? null : parse("ha.maximum_lag_on_failover", raw.maximumLagOnFailover(), null, Units::bytes);
        Duration stream = parse("ha.standby_stream_timeout", raw.standbyStreamTimeout(), null, Units::duration);
        Duration wait = parse("ha.failover_wait", raw.failoverWait(), null, Units::duration);
        boolean sync = d.synchronous();
        if (raw.synchronousMode() != null) {
            switch (raw.synchronousMode()) {
                case "quorum" -> sync = true;
                case "off" -> sync = false;
                default -> problem("ha.synchronous_mode", "'" + raw.synchronousMode() + "' must be quorum or off");
            }
        }
        int count = raw.synchronousNodeCount() == null ? d.synchronousNodeCount() : raw.synchronousNodeCount();
        if (count < 1) problem("ha.synchronous_node_count", count + " must be at least 1");
        HaSettings s = new HaSettings(or(ttl, d.ttl()), or(loop, d.loopWait()), or(margin, d.fenceMargin()),
                or(restart, d.postgresRestartTimeout()), lag == null ? d.maximumLagOnFailover() : lag,
                or(stream, d.standbyStreamTimeout()), or(wait, d.failoverWait()), sync, Math.max(1, count),
                Boolean.TRUE.equals(raw.synchronousStrict()));
        problems.addAll(timingProblems(s));
        return s;
    }

    /** The fencing rule of DESIGN.md invariant 1, checked on every config load. */
    static List<String> timingProblems(HaSettings s) {
        List<String> out = new ArrayList<>();
        if (s.ttl().compareTo(HaSettings.MIN_TTL) < 0 || s.ttl().compareTo(HaSettings.MAX_TTL) > 0)
            out.add("ha.ttl: " + s.ttl().toMillis() + "ms is outside " + HaSettings.MIN_TTL.toSeconds() + "s.."
                    + HaSettings.MAX_TTL.toSeconds() + "s");
        if (s.fenceMargin().toMillis() < 100)
            out.add("ha.fence_margin: " + s.fenceMargin().toMillis() + "ms is too short to stop PostgreSQL; use at least 100ms");
        if (s.fenceMargin().multipliedBy(2).compareTo(s.ttl()) > 0) {
            out.add("ha.fence_margin: " + s.fenceMargin().toMillis() + "ms is more than half of ha.ttl ("
                    + s.ttl().toMillis() + "ms): the primary would stop at the first hiccup of the store; raise ha.ttl to at least "
                    + s.fenceMargin().multipliedBy(2).toMillis() + "ms or lower ha.fence_margin");
        }
        if (s.loopWait().toMillis() < 100 || s.loopWait().compareTo(s.ttl()) >= 0)
            out.add("ha.loop_wait: " + s.loopWait().toMillis() + "ms must be at least 100ms and shorter than ha.ttl ("
                    + s.ttl().toMillis() + "ms)");
        if (s.postgresRestartTimeout().isNegative())
            out.add("ha.postgres_restart_timeout must not be negative");
        if (s.maximumLagOnFailover() < 0)
            out.add("ha.maximum_lag_on_failover must not be negative");
        return out;
    }

    private int port(String field, Integer value, int dflt) {
        if (value == null) return dflt;
        if (value < 1 || value > 65535) {
            problem(field, value + " is not a TCP port (1-65535)");
            return dflt;
        }
        return value;
    }

    private Path absolutePath(String field, String value) {
        if (value == null) return null;
        Path p = Path.of(value);
        if (!p.isAbsolute()) {
            problem(field, "'" + value + "' must be an absolute path");
            return p.toAbsolutePath();
        }
        return p.normalize();
    }

    private <T> T parse(String field, String value, String dflt, Function<String, T> parser) {
        String v = value != null ? value : dflt;
        if (v == null) return null;
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            problem(field, e.getMessage());
            return dflt == null ? null : parser.apply(dflt);
        }
    }

    private String required(String field, String value, String what) {
        if (value == null || value.isBlank()) {
            problem(field, "is required: " + what);
            return null;
        }
        return value.trim();
    }

    private void problem(String field, String message) {
        problems.add(field + ": " + message);
    }

    private static <T> T or(T value, T dflt) {
        return value != null ? value : dflt;
    }
}
