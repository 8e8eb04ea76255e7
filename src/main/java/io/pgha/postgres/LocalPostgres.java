package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The PostgreSQL server on this node, driven through its own binaries and SQL. */
public final class LocalPostgres implements Postgres {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private static final long START_WAIT_NANOS = 60_000_000_000L;

    private final NodeConfig config;
    private final NodeConfig.Postgres pg;
    private final DataDirectory dir;
    private final OsCommand os;
    private Connection connection;
    private Upstream currentUpstream;

    public LocalPostgres(NodeConfig config) {
        this.config = config;
        this.pg = config.postgres();
        this.dir = new DataDirectory(pg.dataDir(), pg.osUser());
        this.os = new OsCommand(pg.osUser(), Path.of("/"));
    }

    public DataDirectory dataDirectory() {
        return dir;
    }

    private String bin(String tool) {
        return pg.binDir().resolve(tool).toString();
    }

    /** The address the agent itself connects to. */
    public String localAddress() {
        String l = pg.listen();
        return l.equals("*") || l.equals("0.0.0.0") || l.contains(",") ? "127.0.0.1" : l;
    }

    // ---------------------------------------------------------------- observe

    @Override
    public synchronized PgStatus observe() {
        if (!dir.hasData()) return PgStatus.noData();
        boolean standbySignal = dir.standbySignal();
        if (dir.postmaster().isEmpty()) {
            closeConnection();
            return new PgStatus(true, false, false, standbySignal, 0, 0, false, null, 0, standbySignal, List.of(), List.of(), List.of(), 0);
        }
        try {
            Connection c = connection();
            try (Statement st = c.createStatement()) {
                // The WAL receiver first, the position after: a position read once no receiver runs is final.
                boolean streaming = false;
                boolean receiverRunning = false;
                String upHost = null;
                int upPort = 0;
                long receivedTli = 0;
                try (ResultSet rs = st.executeQuery(
                        "SELECT status, sender_host, sender_port, received_tli FROM pg_stat_wal_receiver WHERE pid IS NOT NULL")) {
                    if (rs.next()) {
                        receiverRunning = true;
                        streaming = "streaming".equals(rs.getString(1));
                        upHost = rs.getString(2);
                        upPort = rs.getInt(3);
                        receivedTli = rs.getLong(4);
                    }
                }
                boolean recovery;
                long lsn;
                long timeline;
                try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(),"
                        + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,"
                        + " pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text,"
                        + " CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint())"
                        + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END")) {
                    rs.next();
                    recovery = rs.getBoolean(1);
                    long receive = Lsn.parse(rs.getString(3));
                    long replay = Lsn.parse(rs.getString(4));
                    lsn = recovery ? Math.max(receive, replay) : Lsn.parse(rs.getString(2));
                    timeline = Math.max(rs.getLong(5), recovery ? receivedTli : 0);
                }
                if (!recovery) {
                    streaming = false;
                    receiverRunning = false;
                }
                List<String> slots = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(
                        "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'physical' ORDER BY 1")) {
                    while (rs.next()) slots.add(rs.getString(1));
                }
                List<String> streamingStandbys = new ArrayList<>();
                SyncNames sync = SyncNames.NONE;
                if (!recovery) {
                    try (ResultSet rs = st.executeQuery(
                            "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1")) {
                        while (rs.next()) streamingStandbys.add(rs.getString(1));
                    }
                    try (ResultSet rs = st.executeQuery("SHOW synchronous_standby_names")) {
                        rs.next();
                        sync = SyncNames.parse(rs.getString(1));
                    }
                }
                boolean pendingRestart;
                try (ResultSet rs = st.executeQuery("SELECT coalesce(bool_or(pending_restart), false) FROM pg_settings")) {
                    rs.next();
                    pendingRestart = rs.getBoolean(1);
                }
                return new PgStatus(true, true, true, recovery, timeline, lsn, streaming, upHost, upPort,
                        standbySignal, List.copyOf(slots), List.copyOf(streamingStandbys), sync.members(), sync.quorum(),
                        pendingRestart, receiverRunning);
            }
        } catch (SQLException | IOException e) {
            closeConnection();
            return new PgStatus(true, true, false, standbySignal, 0, 0, false, null, 0, standbySignal, List.of(), List.of(), List.of(), 0);
        }
    }

    private Connection connection() throws SQLException, IOException {
        if (connection != null && !connection.isClosed()) return connection;
        Properties props = new Properties();
        props.setProperty("user", pg.superuser());
        props.setProperty("password", Files.readString(pg.superuserPasswordFile()).strip());
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", "pgha");
        props.setProperty("sslmode", "disable");
        connection = DriverManager.getConnection(
                "jdbc:postgresql://" + hostForUrl(localAddress()) + ":" + pg.port() + "/postgres", props);
        return connection;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public Optional<ProcessHandle> postmaster() {
        return dir.postmaster();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public synchronized void bootstrap() throws PostgresException {
        try {
            dir.prepare(true);
            writePassFile();
            Path pwFile = dir.runDir().resolve("initdb.pw");
            dir.writePrivate(pwFile, Files.readString(pg.superuserPasswordFile()).strip() + "\n");
            try {
                // --no-sync: a fresh cluster holds nothing yet, and PostgreSQL fsyncs the data directory
                // itself before any crash recovery
                run("initdb", List.of(bin("initdb"), "-D", dir.path().toString(), "-U", pg.superuser(),
                        "--pwfile=" + pwFile, "--data-checksums", "-E", "UTF8", "--locale=C.UTF-8",
                        "--auth=scram-sha-256", "--no-sync"), 120_000);
            } finally {
                Files.deleteIfExists(pwFile);
            }
            dir.writePrivate(dir.path().resolve(DataDirectory.MARKER), config.cluster() + "\n");
            dir.appendLineOnce(dir.path().resolve("postgresql.conf"), ManagedFiles.INCLUDE_LINE);
            startPrimary();
            Connection c = connection();
            try (Statement st = c.createStatement()) {
                st.execute("CREATE ROLE " + quoteIdent(pg.replicationUser()) + " WITH REPLICATION LOGIN");
            }
            // the verifier is computed here, so the password never reaches the server's logs
            c.unwrap(PGConnection.class).alterUserPassword(pg.replicationUser(),
                    Files.readString(pg.replicationPasswordFile()).strip().toCharArray(), "scram-sha-256");
        } catch (IOException | SQLException e) {
            throw new PostgresException("bootstrap failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void startPrimary() throws PostgresException {
        try {
            Files.deleteIfExists(dir.path().resolve("standby.signal"));
        } catch (IOException e) {
            throw new PostgresException("cannot remove standby.signal: " + e.getMessage(), e);
        }
        start(null);
    }

    @Override
    public synchronized void startStandby(Upstream upstream) throws PostgresException {
        try {
            dir.writePrivate(dir.path().resolve("standby.signal"), "");
        } catch (IOException e) {
            throw new PostgresException("cannot write standby.signal: " + e.getMessage(), e);
        }
        start(upstream);
    }

    private void start(Upstream upstream) throws PostgresException {
        if (dir.postmaster().isPresent()) return;
        try {
            dir.prepare(false);
            writePassFile();
            writeManagedConfig(upstream);
            dir.touchOwned(dir.serverLog());
        } catch (IOException e) {
            throw new PostgresException("cannot write managed configuration: " + e.getMessage(), e);
        }
        // the postmaster is the agent's own child, so its death is seen (and reaped) at once
        Process p;
        try {
            p = os.builder(List.of(bin("postgres"), "-D", dir.path().toString()), true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.serverLog().toFile()))
                    .start();
        } catch (IOException e) {
            throw new PostgresException("cannot start postgres: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new PostgresException("postgres exited at start (exit " + p.exitValue() + "); server log "
                        + dir.serverLog() + ":\n" + dir.tailOfServerLog(8));
            }
            String status = dir.postmasterStatus(p.pid());
            if ("ready".equals(status) || "standby".equals(status)) {
                log.info("PostgreSQL started as {} (pid {})", upstream == null ? "primary" : "standby of " + upstream.name(), p.pid());
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresException("interrupted while PostgreSQL starts");
            }
        }
        log.warn("PostgreSQL (pid {}) is still starting after {} s; the loop watches it from here", p.pid(),
                START_WAIT_NANOS / 1_000_000_000L);
    }

    private void writeManagedConfig(Upstream upstream) throws IOException {
        currentUpstream = upstream;
        dir.appendLineOnce(dir.path().resolve("postgresql.conf"), ManagedFiles.INCLUDE_LINE);
        dir.writePrivate(dir.path().resolve(ManagedFiles.INCLUDE_FILE), ManagedFiles.includeFile(pg,
                dir.runDir().toString(), upstream, config.name(), dir.passFile().toString()));
        Path hba = dir.path().resolve("pg_hba.conf");
        if (!Files.exists(hba) || !Files.readString(hba).startsWith("# Managed by pgha")) {
            dir.writePrivate(hba, ManagedFiles.hba(pg, localAddress(), List.of(address(config.host()))));
        }
    }

    private void writePassFile() throws IOException {
        String superPw = escapePass(Files.readString(pg.superuserPasswordFile()).strip());
        String replPw = escapePass(Files.readString(pg.replicationPasswordFile()).strip());
        dir.writeIfChanged(dir.passFile(), "*:*:*:" + escapePass(pg.replicationUser()) + ":" + replPw + "\n"
                + "*:*:*:" + escapePass(pg.superuser()) + ":" + superPw + "\n");
    }

    private static String escapePass(String s) {
        return s.replace("\\", "\\\\").replace(":", "\\:");
    }

    @Override
    public synchronized void follow(Upstream upstream) throws PostgresException {
        try {
            writeManagedConfig(upstream);
            try (Statement st = connection().createStatement()) {
                st.execute("SELECT pg_reload_conf()");
            }
        } catch (IOException | SQLException e) {
            closeConnection();
            throw new PostgresException("cannot point the standby at " + (upstream == null ? "nothing" : upstream.name())
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void promote() throws PostgresException {
        try {
            try (Statement st = connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_promote(true, 60)")) {
                rs.next();
                if (!rs.getBoolean(1)) throw new PostgresException("pg_promote did not finish within 60 s");
            }
            // pg_control must name the new timeline at once: pg_rewind reads it from here, and an old
            // primary rewound against a stale one would be told "no rewind required" and never follow
            try (Statement st = connection().createStatement()) {
                st.execute("CHECKPOINT");
            }
            writeManagedConfig(null);
        } catch (IOException | SQLException e) {
            closeConnection();
            throw new PostgresException("promotion failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop(boolean immediate) throws PostgresException {
        closeConnection();
        if (dir.postmaster().isEmpty()) return;
        OsCommand.Result r = exec(List.of(bin("pg_ctl"), "stop", "-D", dir.path().toString(), "-m",
                immediate ? "immediate" : "fast", "-w", "-t", "60", "-s"), 70_000);
        if (!r.ok() && dir.postmaster().isPresent()) {
            throw new PostgresException("pg_ctl stop failed: " + r.output());
        }
    }

    @Override
    public void stopNow() throws PostgresException {
        if (dir.postmaster().isEmpty()) return;
        OsCommand.Result r = exec(List.of(bin("pg_ctl"), "stop", "-D", dir.path().toString(), "-m", "immediate",
                "-w", "-t", "10", "-s"), 15_000);
        if (!r.ok() && dir.postmaster().isPresent()) throw new PostgresException("pg_ctl stop -m immediate failed: " + r.output());
        log.warn("PostgreSQL stopped immediately (fenced)");
    }

    @Override
    public boolean isStandbyConfigured() {
        return dir.standbySignal();
    }

    @Override
    public synchronized boolean rewind(Upstream upstream) throws PostgresException {
        stop(false);
        try {
            dir.prepare(false);
            writePassFile();
        } catch (IOException e) {
            throw new PostgresException("cannot prepare for pg_rewind: " + e.getMessage(), e);
        }
        String source = "host=" + upstream.host() + " port=" + upstream.port() + " user=" + pg.superuser()
                + " dbname=postgres passfile=" + dir.passFile() + " connect_timeout=3";
        OsCommand.Result r = exec(List.of(bin("pg_rewind"), "-D", dir.path().toString(), "--source-server=" + source),
                600_000);
        if (r.ok()) {
            log.info("pg_rewind against {} done: {}", upstream.name(), lastLine(r.output()));
            return true;
        }
        String out = r.output();
        if (out.contains("could not connect") || out.contains("connection to server")) {
            throw new PostgresException("pg_rewind cannot reach " + upstream.name() + ": " + lastLine(out));
        }
        log.warn("pg_rewind against {} failed (exit {}): {}", upstream.name(), r.exitCode(), out);
        return false;
    }

    @Override
    public synchronized void cloneFrom(Upstream upstream) throws PostgresException {
        try {
            dir.prepare(true);
            writePassFile();
        } catch (IOException e) {
            throw new PostgresException("cannot prepare the data directory: " + e.getMessage(), e);
        }
        String conninfo = ManagedFiles.conninfo(upstream, pg.replicationUser(), config.name(), dir.passFile().toString());
        OsCommand.Result r = exec(List.of(bin("pg_basebackup"), "-D", dir.path().toString(), "-X", "stream",
                "-S", ManagedFiles.slotName(config.name()), "-c", "fast", "-w", "-d", conninfo), 24 * 3600_000L);
        if (!r.ok()) {
            throw new PostgresException("pg_basebackup from " + upstream.name() + " failed (exit " + r.exitCode()
                    + "): " + r.output());
        }
        log.info("cloned from {}", upstream.name());
    }

    @Override
    public synchronized Path moveDataAside() throws PostgresException {
        stop(false);
        try {
            Path moved = dir.moveAside();
            log.warn("moved data directory {} aside to {}", dir.path(), moved);
            return moved;
        } catch (IOException e) {
            throw new PostgresException("cannot move " + dir.path() + " aside: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void reconcileMembers(Map<String, String> memberAddresses) throws PostgresException {
        try {
            Set<String> wanted = new HashSet<>();
            List<String> addresses = new ArrayList<>();
            for (var e : memberAddresses.entrySet()) {
                addresses.add(address(e.getValue()));
                if (!e.getKey().equals(config.name())) wanted.add(ManagedFiles.slotName(e.getKey()));
            }
            addresses.add(address(config.host()));
            Connection c = connection();
            boolean hbaChanged = dir.writeIfChanged(dir.path().resolve("pg_hba.conf"),
                    ManagedFiles.hba(pg, localAddress(), new HashSet<>(addresses)));
            if (hbaChanged) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_reload_conf()");
                }
            }
            Set<String> existing = new HashSet<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT slot_name, active FROM pg_replication_slots WHERE slot_type = 'physical'")) {
                while (rs.next()) existing.add(rs.getString(1));
            }
            for (String slot : wanted) {
                if (!existing.contains(slot)) {
                    try (var ps = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
                        ps.setString(1, slot);
                        ps.execute();
                    }
                    log.info("created replication slot {}", slot);
                }
            }
            for (String slot : existing) {
                if (!wanted.contains(slot)) {
                    try (var ps = c.prepareStatement(
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                        ps.setString(1, slot);
                        ps.execute();
                    }
                    log.info("dropped replication slot {} of a member no longer in the cluster", slot);
                }
            }
        } catch (IOException | SQLException e) {
            closeConnection();
            throw new PostgresException("cannot reconcile slots and pg_hba: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void applyParameters(Map<String, String> wanted, Set<String> previous) throws PostgresException {
        try (Statement st = connection().createStatement()) {
            for (String name : previous) {
                if (!wanted.containsKey(name)) st.execute("ALTER SYSTEM RESET " + quoteIdent(name));
            }
            for (var e : wanted.entrySet()) {
                st.execute("ALTER SYSTEM SET " + quoteIdent(e.getKey()) + " = '" + e.getValue().replace("'", "''") + "'");
            }
            st.execute("SELECT pg_reload_conf()");
        } catch (IOException | SQLException e) {
            closeConnection();
            throw new PostgresException(e.getMessage(), e);
        }
    }

    @Override
    public synchronized void setSynchronousStandbys(SyncNames names) throws PostgresException {
        try (Statement st = connection().createStatement()) {
            st.execute("ALTER SYSTEM SET synchronous_standby_names = '" + names.format().replace("'", "''") + "'");
            st.execute("SELECT pg_reload_conf()");
            log.info("synchronous_standby_names = '{}'", names.format());
        } catch (IOException | SQLException e) {
            closeConnection();
            throw new PostgresException("cannot set synchronous_standby_names: " + e.getMessage(), e);
        }
    }

    @Override
    public String systemIdentifier() throws PostgresException {
        return controlData("Database system identifier");
    }

    @Override
    public long checkpointLocation() throws PostgresException {
        return Lsn.parse(controlData("Latest checkpoint location"));
    }

    private String controlData(String field) throws PostgresException {
        OsCommand.Result r = exec(List.of(bin("pg_controldata"), "-D", dir.path().toString()), 30_000);
        if (!r.ok()) throw new PostgresException("pg_controldata failed: " + r.output());
        return r.output().lines().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
                .orElseThrow(() -> new PostgresException("pg_controldata printed no " + field));
    }

    @Override
    public synchronized void markStandby() throws PostgresException {
        try {
            dir.writePrivate(dir.path().resolve("standby.signal"), "");
        } catch (IOException e) {
            throw new PostgresException("cannot write standby.signal: " + e.getMessage(), e);
        }
    }

    @Override
    public String following() {
        Upstream u = currentUpstream;
        return u == null ? null : u.name();
    }

    // ---------------------------------------------------------------- helpers

    private void run(String what, List<String> cmd, long timeoutMs) throws PostgresException {
        OsCommand.Result r = exec(cmd, timeoutMs);
        if (!r.ok()) throw new PostgresException(what + " failed (exit " + r.exitCode() + "): " + r.output());
    }

    private OsCommand.Result exec(List<String> cmd, long timeoutMs) throws PostgresException {
        try {
            return os.run(cmd, timeoutMs);
        } catch (IOException e) {
            throw new PostgresException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.split("\n");
        return lines[lines.length - 1];
    }

    static String address(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    static String quoteIdent(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }
}
