package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.testing.TestClusters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** Issue 10: {@code pgha backup}, {@code backup list} and {@code backup check} against real pgBackRest, through failures. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupCommandTest {
    static final int PORT_BASE = 14432;
    static final Pattern LABEL = Pattern.compile("backup (\\d{8}-\\d{6}F\\S*) \\((\\w+)\\) done");

    LocalCluster cluster;
    Properties props;
    Path repo;
    String fullLabel;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Cli(int exit, String out, String err) {}

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-backupcmd-");
        repo = BackupRepos.create(dir);
        cluster = new LocalCluster(dir, "backupcmd", 3, PORT_BASE, LocalCluster.defaultJavaCommand(), Map.of())
                .withExtraConfig(i -> BackupRepos.section(repo, "5s"));
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        cluster.writeConfigs();
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        props = TestClusters.superuser(cluster);
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id int PRIMARY KEY, pad text)");
            st.execute("INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 100000) g");
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (repo != null) Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("rwx------"));
        TestClusters.stop(cluster);
    }

    Cli pgha(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes());
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Cli(p.exitValue(), out, err.get());
    }

    String config() throws Exception {
        return cluster.configFile(0).toString();
    }

    int leader() throws Exception {
        return cluster.leader().orElseThrow();
    }

    HttpResponse<String> post(int node, String path, String body) throws Exception {
        String token = Files.readString(cluster.apiTokenFile()).strip();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.apiPort(node) + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String get(int node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.apiPort(node) + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A backup through the CLI, retried while the new primary's agent has not made its stanza ready yet. */
    Cli backup(String type) throws Exception {
        List<Cli> last = new ArrayList<>();
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(2)).until(() -> {
            Cli r = pgha("backup", "--type", type, "-c", config());
            last.add(r);
            return !r.err().contains("stanza is not ready");
        });
        return last.get(last.size() - 1);
    }

    @Test
    @Order(1)
    void aFullBackupPrintsProgressAndItsLabel() throws Exception {
        Cli r = backup("full");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("taken from the primary: pgBackRest's backup-standby needs the primary reachable");
        assertThat(r.out().lines().filter(l -> l.matches("\\s*\\d+% .*")).count()).as(r.out()).isGreaterThanOrEqualTo(3);
        Matcher m = LABEL.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        fullLabel = m.group(1);
        assertThat(m.group(2)).isEqualTo("full");
    }

    @Test
    @Order(2)
    void listShowsTheBackupAndCheckPasses() throws Exception {
        Cli list = pgha("backup", "list", "-c", config());
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("Label", "WAL range", fullLabel, "full");
        Cli check = pgha("backup", "check", "-c", config());
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("OK archive continuity", "OK checksums").endsWith("OK\n");
    }

    @Test
    @Order(3)
    void aSecondBackupWhileOneRunsIsRefused() throws Exception {
        int lead = leader();
        HttpResponse<String> first = post(lead, "/backup", "{\"type\":\"full\"}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        HttpResponse<String> second = post(lead, "/backup", "{\"type\":\"incr\"}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(second.body()).contains("already running");
        HttpResponse<String> onStandby = post((lead + 1) % 3, "/backup", "{\"type\":\"full\"}");
        assertThat(onStandby.statusCode()).as(onStandby.body()).isEqualTo(412);
        assertThat(onStandby.body()).contains("is not the primary").contains(cluster.name(lead));
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> get(lead, "/backup").contains("\"succeeded\""));
    }

    @Test
    @Order(4)
    void afterASwitchoverAnIncrementalBackupWorksAndCheckPasses() throws Exception {
        int old = leader();
        Cli sw = pgha("switchover", "-c", config());
        assertThat(sw.exit()).as(sw.out() + sw.err()).isZero();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(() -> cluster.leader().filter(l -> l != old).isPresent()
                && cluster.healthy());
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            st.execute("INSERT INTO t SELECT g, 'after' FROM generate_series(100001, 110000) g");
        }
        Cli incr = backup("incr");
        assertThat(incr.exit()).as(incr.out() + incr.err()).isZero();
        assertThat(incr.out()).contains("(incr) done on " + cluster.name(leader()));
        Cli check = pgha("backup", "check", "-c", config());
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("timeline switch");
    }

    @Test
    @Order(5)
    void aReadOnlyRepositoryFailsLoudlyWritesGoOnAndArchivingCatchesUp() throws Exception {
        int lead = leader();
        Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("---------"));
        Cli failed = pgha("backup", "-c", config());
        assertThat(failed.exit()).as(failed.out()).isEqualTo(1);
        assertThat(failed.err()).as(failed.out()).containsPattern("backup failed: \\[\\d+]: ");
        for (int i = 0; i < 3; i++) {
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
                st.execute("INSERT INTO t SELECT g, 'while read-only' FROM generate_series(" + (200000 + i * 1000) + ", "
                        + (200999 + i * 1000) + ") g");
                st.execute("SELECT pg_switch_wal()");
            }
        }
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> failedTotal(get(lead, "/metrics")) > 0);
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(2)).until(() ->
                pgha("list", "-c", config()).out().contains("WAL archiving is failing"));
        Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("rwx------"));
        await().atMost(BOUND.multipliedBy(3)).pollInterval(Duration.ofSeconds(5)).until(() ->
                pgha("backup", "check", "-c", config()).exit() == 0);
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM t WHERE pad = 'while read-only'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3000);
        }
    }

    static long failedTotal(String metrics) {
        Matcher m = Pattern.compile("(?m)^pgha_archive_failed_total\\{[^}]*} (\\d+)$").matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
