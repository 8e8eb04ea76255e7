package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.Main;
import io.pgha.config.ConfigLoader;
import io.pgha.demo.LocalCluster;
import io.pgha.postgres.BackRest;
import io.pgha.postgres.OsCommand;
import io.pgha.testing.TestClusters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 10: point-in-time restore. Rows are written across two failovers with a moment noted between them; a fresh
 * cluster pointed at the same repository is brought back to that moment with {@code pgha restore --to-time}: exactly
 * the rows committed before it, and all three nodes streaming.
 */
class RestoreTest {
    static final int PORT_BASE = 15432;

    LocalCluster cluster;
    Path repoDir;

    @AfterEach
    void stop() throws Exception {
        try {
            TestClusters.stop(cluster);
        } finally {
            if (repoDir != null && !Boolean.getBoolean("pgha.keep")) BackupRepos.delete(repoDir);
        }
    }

    @Test
    void aFreshClusterIsBroughtBackToAMomentBetweenTwoFailovers() throws Exception {
        Path first = Files.createTempDirectory(Path.of("/tmp"), "pgha-restore-");
        repoDir = Files.createTempDirectory(Path.of("/tmp"), "pgha-restore-repo-");
        Path repo = BackupRepos.create(repoDir);
        cluster = start(first, repo);
        Properties props = TestClusters.superuser(cluster);
        await().atMost(BOUND).until(() -> backRest(cluster.leader().orElseThrow(), List.of("check")).ok());
        OsCommand.Result backup = backRest(cluster.leader().orElseThrow(), List.of("backup", "--type=full"));
        assertThat(backup.ok()).as("full backup: " + backup.output()).isTrue();
        String before = backRest(cluster.leader().orElseThrow(), List.of("info")).output();

        sql(props, "CREATE TABLE t (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
        insert(props, 1, 100);
        failover();
        insert(props, 101, 200);
        String moment = query(props, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
        awaitClockPast(props, moment);
        insert(props, 201, 300);
        failover();
        insert(props, 301, 400);
        OsCommand.Result check = backRest(cluster.leader().orElseThrow(), List.of("check"));
        assertThat(check.ok()).as("archive pushed after two failovers: " + check.output()).isTrue();
        cluster.close();

        // a fresh cluster over the same repository: its agents wait for the restore instead of starting anew
        Path second = Files.createTempDirectory(Path.of("/tmp"), "pgha-restore-again-");
        Files.setPosixFilePermissions(second, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalCluster old = cluster;
        cluster = start(second, repo, false);
        old.deleteFiles();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> Files.readString(cluster.agentLog(0)).contains("already holds"));
        assertThat(cluster.snapshot().initialized()).as("nobody started a new database over the backups").isNull();

        Cli refused = cli("restore", "-c", cluster.configFile(0).toString(), "--to-time", "2001-01-01T00:00:00Z");
        assertThat(refused.exit).as(refused.out + refused.err).isEqualTo(1);
        assertThat(refused.err).contains("is before the oldest backup").contains("nothing changed");
        assertThat(cluster.snapshot().restore()).isNull();

        Cli restored = cli("restore", "-c", cluster.configFile(0).toString(), "--to-time", moment, "--timeout", "5m");
        assertThat(restored.exit).as(restored.out + restored.err).isZero();
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);

        Properties again = TestClusters.superuser(cluster);
        assertThat(query(again, "SELECT count(*) || ':' || min(id) || ':' || max(id) FROM t"))
                .as("exactly the rows committed before " + moment).isEqualTo("200:1:200");
        for (int i = 0; i < cluster.size(); i++) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.pgPort(i) + "/postgres", again);
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows on " + cluster.name(i)).isEqualTo(200);
            }
        }
        Cli running = cli("restore", "-c", cluster.configFile(0).toString(), "--latest");
        assertThat(running.exit).isEqualTo(1);
        assertThat(running.err).contains("is running").contains("--force");
        assertThat(before).isNotBlank();

        // over the running cluster: every member's data is moved aside, the latest archived state comes back
        insert(again, 1001, 1010);
        OsCommand.Result archived = backRest(cluster.leader().orElseThrow(), List.of("check"));
        assertThat(archived.ok()).as("the new rows archived: " + archived.output()).isTrue();
        Cli forced = cli("restore", "-c", cluster.configFile(1).toString(), "--latest", "--force", "--timeout", "5m");
        assertThat(forced.exit).as(forced.out + forced.err).isZero();
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);
        assertThat(query(TestClusters.superuser(cluster), "SELECT count(*) FROM t")).isEqualTo("210");
        for (int i = 0; i < cluster.size(); i++) {
            try (var siblings = Files.list(cluster.nodeDir(i))) {
                assertThat(siblings.filter(p -> p.getFileName().toString().startsWith("data.moved-")).count())
                        .as(cluster.name(i) + "'s data before the restore, kept aside").isEqualTo(1);
            }
        }
    }

    LocalCluster start(Path dir, Path repo) throws Exception {
        return start(dir, repo, true);
    }

    LocalCluster start(Path dir, Path repo, boolean awaitHealthy) throws Exception {
        LocalCluster c = new LocalCluster(dir, "pitr", 3, PORT_BASE, LocalCluster.defaultJavaCommand(), Map.of())
                .withExtraConfig(i -> BackupRepos.section(repo, "2s"));
        assertThat(c.busyPorts()).as("ports the test needs").isEmpty();
        c.writeConfigs();
        c.startAll();
        if (awaitHealthy) await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(c::healthy);
        return c;
    }

    void failover() throws Exception {
        int old = cluster.leader().orElseThrow();
        cluster.killNode(old);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> cluster.leader().filter(l -> l != old).isPresent());
        cluster.start(old);
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);
    }

    OsCommand.Result backRest(int node, List<String> args) throws Exception {
        return new BackRest(ConfigLoader.load(cluster.configFile(node))).run(args, 300_000);
    }

    void insert(Properties props, int from, int to) throws Exception {
        sql(props, "INSERT INTO t (id) SELECT g FROM generate_series(" + from + ", " + to + ") g");
    }

    void sql(Properties props, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    String query(Properties props, String q) throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(q)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The next commits carry a later timestamp than {@code moment} (the server's clock, read until it moved on). */
    void awaitClockPast(Properties props, String moment) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> "t".equals(query(props, "SELECT clock_timestamp() > '" + moment + "'::timestamptz")));
    }

    record Cli(int exit, String out, String err) {}

    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        var realOut = System.out;
        var realErr = System.err;
        var bufOut = new java.io.ByteArrayOutputStream();
        var bufErr = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(bufOut, true));
        System.setErr(new java.io.PrintStream(bufErr, true));
        int exit;
        try {
            exit = cl.execute(args);
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
        return new Cli(exit, out + bufOut.toString(), err + bufErr.toString());
    }
}
