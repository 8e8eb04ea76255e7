package io.pgha.fault;

import io.pgha.demo.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients, all in the root namespace: a writer through each endpoint a user may deploy (pgjdbc's
 * multi-host URL; pgha's read-write proxy port, connecting to one node's proxy and moving to the next when
 * its connection fails, as a load balancer would), one writer straight to each node's PostgreSQL, a reader
 * through the read-only proxy port (same rotation), and one prober per node asking "primary, on which
 * timeline?" every 100 ms. Every acknowledged commit is logged with the node and timeline that acknowledged
 * it and the times it was sent and acknowledged.
 */
final class Workload implements AutoCloseable {
    static final String TABLE = "pghaf_acks";
    private static final String INSERT = "INSERT INTO " + TABLE + " (id, writer) VALUES (?, ?)"
            + " RETURNING host(inet_server_addr()), substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)";
    private static final String PROBE = "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)";
    private static final String READ = "SELECT host(inet_server_addr()), CASE WHEN pg_is_in_recovery() THEN NULL"
            + " ELSE substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) END";
    /** The endpoint writers this workload runs, in the order the summary prints them. */
    static final List<String> ENDPOINTS = List.of(Checker.MULTI_HOST, Checker.PROXY);
    private static final long ENDPOINT_PACE_MS = 10;
    private static final long DIRECT_PACE_MS = 20;
    private static final long RETRY_PACE_MS = 50;
    private static final long PROBE_PACE_MS = 100;
    private static final long READ_PACE_MS = 50;

    private final LocalCluster cluster;
    private final String password;
    private final Map<String, Integer> nodeByAddress = new TreeMap<>();
    private final ConcurrentLinkedQueue<Checker.Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Checker.Probe> probes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Checker.Read> reads = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> readErrors = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final AtomicLong proxyStandbyRefusals = new AtomicLong();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong probeErrors = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Workload(LocalCluster cluster) throws IOException {
        this.cluster = cluster;
        this.password = cluster.superuserPassword();
        for (int i = 0; i < cluster.size(); i++) nodeByAddress.put(cluster.host(i), i);
    }

    private Properties props(int socketTimeoutSeconds) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        p.setProperty("tcpKeepAlive", "true");
        // the standbys' refusals and the probes' errors would bury PostgreSQL's own log lines
        p.setProperty("options", "-c log_min_messages=fatal -c log_min_error_statement=panic");
        return p;
    }

    private String directUrl(int i) {
        return "jdbc:postgresql://" + cluster.host(i) + ":" + cluster.pgPort(i) + "/postgres?connectTimeout=1&loginTimeout=3";
    }

    void createTable() throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props(10)); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigint PRIMARY KEY, writer text NOT NULL,"
                    + " at timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
    }

    private String proxyUrl(int i, boolean readOnly) {
        return "jdbc:postgresql://" + cluster.host(i) + ":" + (readOnly ? cluster.readOnlyProxyPort(i) : cluster.proxyPort(i))
                + "/postgres?connectTimeout=1&loginTimeout=3";
    }

    /** Where a client connects next: one fixed URL, or one node's proxy after another, moving on when a connection fails. */
    private interface Target {
        String url();

        default void failed() {}
    }

    private Target rotating(boolean readOnly) {
        int[] node = {0};
        return new Target() {
            public String url() {
                return proxyUrl(node[0], readOnly);
            }

            public void failed() {
                node[0] = (node[0] + 1) % cluster.size();
            }
        };
    }

    void start() {
        threads.add(Thread.ofPlatform().name("writer-multi-host").daemon().start(
                () -> write(Checker.MULTI_HOST, cluster::jdbcUrl, 5, ENDPOINT_PACE_MS)));
        threads.add(Thread.ofPlatform().name("writer-proxy").daemon().start(
                () -> write(Checker.PROXY, rotating(false), (int) (FaultKind.PROXY_CLIENT_TIMEOUT_MS / 1000), ENDPOINT_PACE_MS)));
        threads.add(Thread.ofPlatform().name("reader-read-only-proxy").daemon().start(() -> read(rotating(true))));
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            threads.add(Thread.ofPlatform().name("writer-" + cluster.name(i)).daemon().start(
                    () -> write("direct-" + cluster.name(node), () -> directUrl(node), 3, DIRECT_PACE_MS)));
            threads.add(Thread.ofPlatform().name("probe-" + cluster.name(i)).daemon().start(() -> probe(node)));
        }
    }

    private void write(String writer, Target target, int socketTimeout, long paceMs) {
        Connection c = null;
        PreparedStatement ps = null;
        while (!stop.get()) {
            long pace = paceMs;
            try {
                if (c == null) {
                    c = DriverManager.getConnection(target.url(), props(socketTimeout));
                    ps = c.prepareStatement(INSERT);
                }
                long id = nextId.incrementAndGet();
                ps.setLong(1, id);
                ps.setString(2, writer);
                long sent = System.currentTimeMillis();
                String address;
                String walFile;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    address = rs.getString(1);
                    walFile = rs.getString(2);
                }
                long acked = System.currentTimeMillis();
                boolean warned = syncWarning(ps.getWarnings());
                ps.clearWarnings();
                Integer node = nodeByAddress.get(address);
                acks.add(new Checker.Ack(id, writer, node == null ? -1 : node, Integer.parseInt(walFile, 16), sent, acked, warned));
            } catch (SQLException | RuntimeException e) {
                failures.incrementAndGet();
                pace = RETRY_PACE_MS;
                boolean standby = "25006".equals(e instanceof SQLException s ? s.getSQLState() : null);
                // the read-write port must route to the primary only: a standby behind it is counted, then left
                if (standby && writer.equals(Checker.PROXY)) proxyStandbyRefusals.incrementAndGet();
                // a standby reached directly refuses with 25006 and keeps the session: it may be promoted under it
                if (!standby || writer.equals(Checker.PROXY)) {
                    close(c);
                    c = null;
                    target.failed();
                }
            }
            pause(pace);
        }
        close(c);
    }

    private static boolean syncWarning(SQLWarning w) {
        for (; w != null; w = w.getNextWarning()) {
            if (w.getMessage() != null && w.getMessage().contains("synchronous replication")) return true;
        }
        return false;
    }

    private void probe(int node) {
        Connection c = null;
        while (!stop.get()) {
            long sent = System.currentTimeMillis();
            try {
                if (c == null) c = DriverManager.getConnection(directUrl(node), props(2));
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(PROBE)) {
                    rs.next();
                    probes.add(new Checker.Probe(node, sent, System.currentTimeMillis(), Checker.ProbeState.PRIMARY,
                            Integer.parseInt(rs.getString(1), 16)));
                }
            } catch (SQLException e) {
                // 55000: "recovery is in progress", a standby's answer
                boolean standby = "55000".equals(e.getSQLState());
                probes.add(new Checker.Probe(node, sent, System.currentTimeMillis(),
                        standby ? Checker.ProbeState.STANDBY : Checker.ProbeState.UNREACHABLE, -1));
                if (!standby) {
                    close(c);
                    c = null;
                }
            } catch (RuntimeException e) {
                // an unparsable answer must not end this thread: the dual-primary check would go blind for the node
                probeErrors.incrementAndGet();
                probes.add(new Checker.Probe(node, sent, System.currentTimeMillis(), Checker.ProbeState.UNREACHABLE, -1));
                close(c);
                c = null;
            }
            pause(PROBE_PACE_MS);
        }
        close(c);
    }

    /** Reads through the read-only proxy port: which node answered, as a standby or as a primary on which timeline. */
    private void read(Target target) {
        Connection c = null;
        while (!stop.get()) {
            long sent = System.currentTimeMillis();
            try {
                if (c == null) c = DriverManager.getConnection(target.url(), props(2));
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(READ)) {
                    rs.next();
                    Integer node = nodeByAddress.get(rs.getString(1));
                    String walFile = rs.getString(2);
                    reads.add(new Checker.Read(node == null ? -1 : node, sent, System.currentTimeMillis(), walFile != null,
                            walFile == null ? -1 : Integer.parseInt(walFile, 16)));
                }
            } catch (SQLException | RuntimeException e) {
                readErrors.computeIfAbsent(e instanceof SQLException s && s.getSQLState() != null ? s.getSQLState()
                        : e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                close(c);
                c = null;
                target.failed();
            }
            pause(READ_PACE_MS);
        }
        close(c);
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            stop.set(true);
        }
    }

    private static void close(Connection c) {
        try {
            if (c != null) c.close();
        } catch (SQLException ignored) {
            // the connection is gone either way
        }
    }

    long acknowledged() {
        return acks.size();
    }

    List<Checker.Read> reads() {
        return List.copyOf(reads);
    }

    /** Failed reads through the read-only port by SQLSTATE (or exception class), e.g. {08006=3}: a figure, not a check. */
    Map<String, Long> readErrors() {
        Map<String, Long> out = new TreeMap<>();
        readErrors.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Writes the read-write proxy port handed to a standby (25006). */
    long proxyStandbyRefusals() {
        return proxyStandbyRefusals.get();
    }

    long probeErrors() {
        return probeErrors.get();
    }

    long failedAttempts() {
        return failures.get();
    }

    List<Checker.Ack> acks() {
        return List.copyOf(acks);
    }

    List<Checker.Probe> probes() {
        return List.copyOf(probes);
    }

    /** Every id in the table on node i, read straight from its PostgreSQL. */
    Set<Long> idsOn(int i) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(directUrl(i), props(60)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + TABLE)) {
            while (rs.next()) ids.add(rs.getLong(1));
        }
        return ids;
    }

    /** One line per acknowledged commit, for the evidence directory. */
    void writeLog(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# sent acked writer node timeline id sync_warning");
        acks().stream().sorted(java.util.Comparator.comparingLong(Checker.Ack::ackMs)).forEach(a -> lines.add(
                Checker.time(a.sentMs()) + " " + Checker.time(a.ackMs()) + " " + a.writer() + " node" + (a.node() + 1)
                        + " " + a.timeline() + " " + a.id() + (a.syncWarning() ? " WARNING" : "")));
        Files.write(file, lines);
    }

    @Override
    public void close() {
        stop.set(true);
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
