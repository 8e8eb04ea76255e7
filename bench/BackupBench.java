import io.pgha.demo.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Data protection figures (issue 10): backup and restore through pgha against pgBackRest by hand, TPC-B with
 * archiving on and off, and the recovery point after losing all three nodes.
 *
 *   bench/run BackupBench [--scale 50] [--rounds 2] [--tpcb-seconds 30] [--tpcb-rounds 2] [--writer-seconds 65]
 *
 * Ports 37432+ (the archiving cluster, and the fresh clusters restored from its repository), 38232+ (the cluster
 * without archiving) and 38950 (PostgreSQL restored by hand). Must run as root: pgBackRest runs as postgres.
 */
public class BackupBench {
    static final int BASE = 37432;
    static final int BASE_OFF = 38232;
    static final int HAND_PORT = 38950;
    static final String NAME = "bench";
    static final String BIN = "/usr/lib/postgresql/15/bin/";
    static final Map<String, String> summary = new LinkedHashMap<>();
    static final List<Path> tempDirs = new ArrayList<>();
    static final List<LocalCluster> clusters = new ArrayList<>();

    record Run(int exit, String out, double seconds) {
        boolean ok() {
            return exit == 0;
        }
    }

    record Ack(int seq, long atMicros) {}

    public static void main(String[] args) throws Exception {
        int scale = 50, rounds = 2, tpcbSeconds = 30, tpcbRounds = 2, writerSeconds = 65;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scale" -> scale = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--tpcb-seconds" -> tpcbSeconds = Integer.parseInt(args[++i]);
                case "--tpcb-rounds" -> tpcbRounds = Integer.parseInt(args[++i]);
                case "--writer-seconds" -> writerSeconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String command = "bench/run BackupBench " + String.join(" ", args);
        Runtime.getRuntime().addShutdownHook(new Thread(BackupBench::cleanUp));
        long started = System.nanoTime();
        Path repo = repository();
        LocalCluster on = startCluster("on", BASE, repo, "60s", true);

        int sc = scale, r = rounds, ts = tpcbSeconds, tr = tpcbRounds, ws = writerSeconds;
        section("backups", () -> backups(on, sc, r));
        section("restores", () -> restores(on));
        section("TPC-B", () -> {
            LocalCluster off = startCluster("off", BASE_OFF, null, null, true);
            pgbenchInit(off, sc);
            tpcb(on, off, ts, tr);
            off.deleteFiles();
        });
        section("recovery point", () -> recoveryPoint(on, repo, ws));

        System.out.println();
        System.out.println("=== BackupBench summary (pgbench scale " + scale + ", 3-node LocalCluster, pgBackRest "
                + run(List.of("pgbackrest", "version"), Map.of()).out().strip() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores) ===");
        summary.forEach((k, v) -> System.out.println(k + ": " + v));
        System.out.printf("total run time: %.0f s%n", (System.nanoTime() - started) / 1e9);
        System.out.println("command: " + command);
    }

    interface Step {
        void run() throws Exception;
    }

    /** One part of the benchmark; a failure is reported in the summary and the next part still runs. */
    static void section(String name, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            e.printStackTrace();
            summary.put(name + " FAILED", String.valueOf(e.getMessage()).lines().limit(15).reduce("", (a, b) -> a + "\n    " + b));
        }
    }

    // ---- 1. backups --------------------------------------------------------------------------------------------

    static Run pgbenchInit(LocalCluster c, int scale) throws Exception {
        Run init = pgbench(c, c.leader().orElseThrow(), List.of("-i", "-q", "-s", String.valueOf(scale)));
        check(init, "pgbench -i");
        System.out.printf("pgbench -i -s %d through the primary: %.1f s%n", scale, init.seconds());
        return init;
    }

    static void backups(LocalCluster c, int scale, int rounds) throws Exception {
        int primary = c.leader().orElseThrow();
        Run init = pgbenchInit(c, scale);
        summary.put("pgbench -i -s " + scale + " (3 nodes, archiving on)", String.format("%.1f s", init.seconds()));
        await("pgbackrest check", 180, () -> hand(c, primary, List.of("check")).ok());
        List<Double> viaPgha = new ArrayList<>(), byHand = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Run p = pgha(List.of("backup", "--type", "full", "-c", c.configFile(primary).toString()));
            for (int retry = 0; !p.ok() && p.out().contains("stanza is not ready") && retry < 30; retry++) {
                Thread.sleep(2000);
                p = pgha(List.of("backup", "--type", "full", "-c", c.configFile(primary).toString()));
            }
            check(p, "pgha backup");
            viaPgha.add(p.seconds());
            System.out.printf("round %d: pgha backup --type full %.1f s%n", r, p.seconds());
            Run h = hand(c, primary, List.of("backup", "--type=full"));
            check(h, "pgbackrest backup");
            byHand.add(h.seconds());
            System.out.printf("round %d: pgbackrest backup --type=full by hand %.1f s%n", r, h.seconds());
        }
        double mp = median(viaPgha), mh = median(byHand);
        summary.put("full backup, pgha backup --type full (median of " + rounds + ")", String.format("%.1f s %s", mp, tenths(viaPgha)));
        summary.put("full backup, pgbackrest by hand (median of " + rounds + ")", String.format("%.1f s %s", mh, tenths(byHand)));
        summary.put("full backup overhead of pgha", String.format("%+.1f %%", (mp - mh) / mh * 100));
        summary.put("  backup by hand", "runuser -u postgres -- env PGPASSFILE=" + runDir(c, primary) + "/pgpass pgbackrest --config="
                + runDir(c, primary) + "/pgbackrest.conf --stanza=" + NAME + " backup --type=full");
        String list = pgha(List.of("backup", "list", "-c", c.configFile(primary).toString())).out();
        System.out.println(list);
    }

    // ---- 2. restores -------------------------------------------------------------------------------------------

    static void restores(LocalCluster c) throws Exception {
        int primary = c.leader().orElseThrow();
        Path handDir = tempDir("pgha-bench-hand-");
        chownPostgres(handDir, "rwxr-xr-x");
        Path data = handDir.resolve("data");
        Files.createDirectories(data);
        chownPostgres(data, "rwx------");
        Run restore = hand(c, primary, List.of("restore", "--pg1-path=" + data));
        check(restore, "pgbackrest restore");
        long t0 = System.nanoTime();
        String opts = "-p " + HAND_PORT + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + handDir
                + " -c archive_mode=off -c synchronous_standby_names=";
        Run start = asPostgres(List.of(BIN + "pg_ctl", "-D", data.toString(), "-l", handDir.resolve("postgres.log").toString(),
                "-w", "-t", "900", "-o", opts, "start"), Map.of());
        double accepting = (System.nanoTime() - t0) / 1e9;
        if (!start.ok()) throw new IllegalStateException("by-hand PostgreSQL start failed: " + start.out()
                + tail(handDir.resolve("postgres.log")));
        Properties props = superuser(c);
        String url = "jdbc:postgresql://127.0.0.1:" + HAND_PORT + "/postgres";
        await("restored-by-hand PostgreSQL promoted", 900, () -> "f".equals(query(url, props, "SELECT pg_is_in_recovery()")));
        double promoted = (System.nanoTime() - t0) / 1e9;
        asPostgres(List.of(BIN + "pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop"), Map.of());
        System.out.printf("by hand: pgbackrest restore %.1f s, then PostgreSQL accepting connections after %.1f s, recovery"
                + " finished (read-write) after %.1f s%n", restore.seconds(), accepting, promoted);
        summary.put("restore by hand, one node: pgbackrest restore", String.format("%.1f s", restore.seconds()));
        summary.put("restore by hand, one node: + pg_ctl start until accepting connections",
                String.format("%.1f s (total %.1f s)", accepting, restore.seconds() + accepting));
        summary.put("restore by hand, one node: + until recovery done (read-write)",
                String.format("%.1f s (total %.1f s)", promoted, restore.seconds() + promoted));
        summary.put("  restore by hand", "runuser -u postgres -- env PGPASSFILE=... pgbackrest --config=... --stanza=" + NAME
                + " restore --pg1-path=EMPTY_DIR; pg_ctl -D EMPTY_DIR -w -o '" + opts.replace(handDir.toString(), "DIR") + "' start");
        BackupBench.delete(handDir);

        long wallStart = System.currentTimeMillis();
        long n0 = System.nanoTime();
        CompletableFuture<Run> cli = CompletableFuture.supplyAsync(() -> {
            try {
                return pgha(List.of("restore", "-c", c.configFile(0).toString(), "--latest", "--force", "--timeout", "20m"));
            } catch (Exception e) {
                return new Run(-1, e.toString(), 0);
            }
        });
        double writes = -1, streaming = -1;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        while (System.nanoTime() < deadline && streaming < 0) {
            int restarted = 0;
            boolean writable = false;
            for (int i = 0; i < c.size(); i++) {
                String row = query("jdbc:postgresql://127.0.0.1:" + c.pgPort(i) + "/postgres", superuserQuiet(c),
                        "SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000)::bigint || ':' || pg_is_in_recovery()");
                if (row == null || Long.parseLong(row.split(":")[0]) <= wallStart) continue;
                restarted++;
                if (row.endsWith(":false") && writes < 0 && query("jdbc:postgresql://127.0.0.1:" + c.pgPort(i) + "/postgres",
                        superuserQuiet(c), "SELECT txid_current()") != null) writable = true;
            }
            if (writable && writes < 0) writes = (System.nanoTime() - n0) / 1e9;
            if (restarted == c.size() && c.healthy()) streaming = (System.nanoTime() - n0) / 1e9;
            Thread.sleep(200);
        }
        Run done = cli.get();
        System.out.println(done.out());
        check(done, "pgha restore");
        System.out.printf("pgha restore --latest --force: primary writable after %.1f s, all three streaming after %.1f s,"
                + " the command returned after %.1f s%n", writes, streaming, done.seconds());
        summary.put("restore through pgha (3 nodes): until the primary accepts writes", String.format("%.1f s", writes));
        summary.put("restore through pgha (3 nodes): until all three stream", String.format("%.1f s (the command returned after %.1f s)",
                streaming, done.seconds()));
        summary.put("  through pgha", "pgha restore -c NODE.yaml --latest --force");
    }

    // ---- 3. TPC-B, archiving on and off ------------------------------------------------------------------------

    static void tpcb(LocalCluster on, LocalCluster off, int seconds, int rounds) throws Exception {
        List<Double> tpsOn = new ArrayList<>(), tpsOff = new ArrayList<>();
        List<String> args = List.of("-c", "4", "-j", "2", "-T", String.valueOf(seconds), "-n");
        off.close();
        for (int r = 1; r <= rounds; r++) {
            for (LocalCluster c : List.of(on, off)) {
                c.close();
                restart(c);
                awaitHealthy(c);
                int primary = c.leader().orElseThrow();
                pgbench(c, primary, List.of("-c", "1", "-T", "1", "-n")); // warm the connection path
                runSql(c, primary, "VACUUM ANALYZE pgbench_branches, pgbench_tellers, pgbench_history; CHECKPOINT");
                Run b = pgbench(c, primary, args);
                check(b, "pgbench");
                Matcher m = Pattern.compile("tps = ([0-9.]+) \\(without initial").matcher(b.out());
                if (!m.find()) throw new IllegalStateException("no tps in: " + b.out());
                double tps = Double.parseDouble(m.group(1));
                (c == on ? tpsOn : tpsOff).add(tps);
                System.out.printf("round %d: archiving %s: %.0f tps%n", r, c == on ? "on " : "off", tps);
                c.close();
            }
        }
        double a = median(tpsOn), b = median(tpsOff);
        summary.put("TPC-B (pgbench default tpcb-like script, -c 4 -j 2 -T " + seconds + ", on the primary), archiving on (median of "
                + rounds + ")", String.format("%.0f tps %s", a, round(tpsOn)));
        summary.put("TPC-B, archiving off (median of " + rounds + ")", String.format("%.0f tps %s", b, round(tpsOff)));
        summary.put("TPC-B, archiving on vs off", String.format("%+.1f %% (target: within 5 %%)", (a - b) / b * 100));
    }

    // ---- 4. recovery point -------------------------------------------------------------------------------------

    static void recoveryPoint(LocalCluster first, Path repo, int writerSeconds) throws Exception {
        LocalCluster c = first;
        for (String timeout : List.of("60s", "10s")) {
            LocalCluster cur = c;
            c.close();
            setArchiveTimeout(c, timeout);
            restart(c);
            awaitHealthy(c);
            int primary = c.leader().orElseThrow();
            Run incr = pgha(List.of("backup", "--type", "incr", "-c", c.configFile(primary).toString()));
            check(incr, "pgha backup --type incr");
            String table = "rp" + timeout.replace("s", "");
            Properties props = superuser(c);
            try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), props); Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE " + table + " (seq int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
            }
            ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().start(() -> write(cur, props, table, acks, stop));
            Thread.sleep(writerSeconds * 1000L);
            List<Thread> killers = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) {
                int node = i;
                killers.add(Thread.ofPlatform().start(() -> {
                    try {
                        cur.killNode(node);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread k : killers) k.join();
            stop.set(true);
            writer.join();
            c.close();
            Ack last = acks.stream().max(java.util.Comparator.comparingInt(Ack::seq)).orElseThrow();

            Path dir = tempDir("pgha-bench-fresh-");
            LocalCluster fresh = new LocalCluster(dir, NAME, 3, BASE, LocalCluster.defaultJavaCommand(), Map.of())
                    .withExtraConfig(i -> section(repo, timeout));
            clusters.add(fresh);
            awaitPortsFree(fresh);
            fresh.writeConfigs();
            fresh.startAll();
            await("the fresh cluster's agents to find the backups", 180, () -> Files.exists(fresh.agentLog(0))
                    && Files.readString(fresh.agentLog(0)).contains("already holds"));
            Run restore = pgha(List.of("restore", "-c", fresh.configFile(0).toString(), "--latest", "--timeout", "20m"));
            check(restore, "pgha restore --latest (fresh cluster)");
            awaitHealthy(fresh);
            Set<Integer> present = new HashSet<>();
            long lastRestoredAt = 0;
            try (Connection conn = DriverManager.getConnection(fresh.jdbcUrl(), superuser(fresh)); Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq, (extract(epoch FROM at) * 1000000)::bigint FROM " + table)) {
                while (rs.next()) {
                    present.add(rs.getInt(1));
                    lastRestoredAt = Math.max(lastRestoredAt, rs.getLong(2));
                }
            }
            long missing = acks.stream().filter(a -> !present.contains(a.seq())).count();
            double lostSeconds = (last.atMicros() - lastRestoredAt) / 1e6;
            System.out.printf("archive_timeout %s: %d acknowledged rows over %d s, %d restored, %d missing; last acknowledged"
                            + " commit − last restored commit = %.2f s (restore took %.1f s)%n", timeout, acks.size(), writerSeconds,
                    present.size(), missing, lostSeconds, restore.seconds());
            summary.put("recovery point after kill -9 of all three nodes, archive_timeout " + timeout,
                    String.format("%d of %d acknowledged rows missing, %.2f s of commits lost", missing, acks.size(), lostSeconds));
            c.deleteFiles();
            c = fresh;
        }
        summary.put("  recovery point", "writer: one INSERT (seq, clock_timestamp()) per ~10 ms for ≥ " + writerSeconds
                + " s, an incr backup before it; LocalCluster.killNode ×3 at once; fresh cluster; pgha restore -c NODE.yaml --latest");
        c.close();
    }

    static void write(LocalCluster c, Properties props, String table, ConcurrentLinkedQueue<Ack> acks, AtomicBoolean stop) {
        int seq = 0;
        Connection conn = null;
        while (!stop.get()) {
            try {
                if (conn == null) conn = DriverManager.getConnection(c.jdbcUrl(), props);
                try (Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("INSERT INTO " + table + " (seq) VALUES (" + (seq + 1)
                             + ") RETURNING (extract(epoch FROM at) * 1000000)::bigint")) {
                    rs.next();
                    acks.add(new Ack(++seq, rs.getLong(1)));
                }
                Thread.sleep(10);
            } catch (Exception e) {
                try {
                    if (conn != null) conn.close();
                } catch (Exception ignored) {
                }
                conn = null;
                if (stop.get()) return;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    // ---- clusters ----------------------------------------------------------------------------------------------

    static LocalCluster startCluster(String label, int base, Path repo, String archiveTimeout, boolean healthy) throws Exception {
        Path dir = tempDir("pgha-bench-" + label + "-");
        LocalCluster c = new LocalCluster(dir, NAME, 3, base, LocalCluster.defaultJavaCommand(), Map.of());
        if (repo != null) c.withExtraConfig(i -> section(repo, archiveTimeout));
        clusters.add(c);
        awaitPortsFree(c);
        c.writeConfigs();
        long t0 = System.nanoTime();
        c.startAll();
        if (healthy) awaitHealthy(c);
        System.out.printf("cluster %s (archiving %s) healthy after %.1f s%n", label, repo == null ? "off" : "on", (System.nanoTime() - t0) / 1e9);
        return c;
    }

    static String section(Path repo, String archiveTimeout) {
        return "backup:\n  repository: {path: " + repo + "}\n  archive_timeout: " + archiveTimeout + "\n";
    }

    /** Rewrites archive_timeout in every node's YAML; the agents read it when they start. */
    static void setArchiveTimeout(LocalCluster c, String timeout) throws IOException {
        for (int i = 0; i < c.size(); i++) {
            Path f = c.configFile(i);
            Files.writeString(f, Files.readString(f).replaceAll("archive_timeout: \\w+", "archive_timeout: " + timeout));
        }
    }

    static void restart(LocalCluster c) throws Exception {
        awaitPortsFree(c);
        c.startAll();
    }

    static void awaitHealthy(LocalCluster c) throws Exception {
        await("one primary and two streaming standbys", 300, c::healthy);
    }

    static void awaitPortsFree(LocalCluster c) throws Exception {
        await("ports " + c.busyPorts() + " to be free", 120, () -> c.busyPorts().isEmpty());
    }

    static Path repository() throws IOException {
        Path dir = tempDir("pgha-bench-repo-");
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        chownPostgres(repo, "rwx------");
        return repo;
    }

    static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        tempDirs.add(dir);
        return dir;
    }

    static void chownPostgres(Path p, String mode) throws IOException {
        Files.setOwner(p, p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    static void cleanUp() {
        for (LocalCluster c : clusters) c.close();
        for (Path d : tempDirs) {
            Path pid = d.resolve("data").resolve("postmaster.pid");
            if (Files.exists(pid)) {
                try {
                    asPostgres(List.of(BIN + "pg_ctl", "-D", d.resolve("data").toString(), "-m", "immediate", "-w", "stop"), Map.of());
                } catch (Exception ignored) {
                }
            }
            try {
                delete(d);
            } catch (IOException ignored) {
            }
        }
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    // ---- commands ----------------------------------------------------------------------------------------------

    static Path runDir(LocalCluster c, int node) {
        Path data = c.dataDir(node);
        return data.resolveSibling(data.getFileName() + ".run");
    }

    static Run hand(LocalCluster c, int node, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("pgbackrest", "--config=" + runDir(c, node) + "/pgbackrest.conf", "--stanza=" + NAME));
        cmd.addAll(args);
        return asPostgres(cmd, Map.of("PGPASSFILE", runDir(c, node) + "/pgpass"));
    }

    static Run asPostgres(List<String> cmd, Map<String, String> env) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", "env"));
        env.forEach((k, v) -> full.add(k + "=" + v));
        full.addAll(cmd);
        return run(full, Map.of());
    }

    static Run pgha(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
        cmd.addAll(args);
        return run(cmd, Map.of());
    }

    static Run pgbench(LocalCluster c, int node, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BIN + "pgbench", "-h", LocalCluster.HOST, "-p", String.valueOf(c.pgPort(node)), "-U", "postgres"));
        cmd.addAll(args);
        cmd.add("postgres");
        return run(cmd, Map.of("PGPASSWORD", c.superuserPassword()));
    }

    static void runSql(LocalCluster c, int node, String sql) throws Exception {
        try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.pgPort(node) + "/postgres", superuser(c));
             Statement st = conn.createStatement()) {
            for (String s : sql.split(";")) st.execute(s);
        }
    }

    static Run run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        int exit = p.waitFor();
        return new Run(exit, out, (System.nanoTime() - t0) / 1e9);
    }

    static void check(Run r, String what) {
        if (!r.ok()) throw new IllegalStateException(what + " failed (exit " + r.exit() + "): " + r.out());
    }

    static Properties superuser(LocalCluster c) throws IOException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", c.superuserPassword());
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "30");
        return props;
    }

    static Properties superuserQuiet(LocalCluster c) {
        try {
            return superuser(c);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row, or null when the server cannot be reached or refuses. */
    static String query(String url, Properties props, String sql) {
        try (Connection conn = DriverManager.getConnection(url, props); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        } catch (Exception e) {
            return null;
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void await(String what, int seconds, Condition condition) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            try {
                if (condition.holds()) return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) throw e;
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("waited " + seconds + " s for " + what);
            Thread.sleep(200);
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static List<String> tenths(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.1f", x)).toList();
    }

    static List<Long> round(List<Double> xs) {
        return xs.stream().map(Math::round).toList();
    }
}
