package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.postgres.BackRest;
import io.pgha.config.ConfigLoader;
import io.pgha.demo.LocalCluster;
import io.pgha.postgres.ManagedFiles;
import io.pgha.postgres.OsCommand;
import io.pgha.testing.TestClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 10: WAL archived through pgBackRest by whichever member is the primary, with no gap across failovers; a
 * standby away past its slot's limit catches up from the archive, with no one acting and no re-clone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveTest {
    static final int PORT_BASE = 31432;

    LocalCluster cluster;
    Properties props;
    Path repo;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-archive-");
        repo = BackupRepos.create(dir);
        cluster = new LocalCluster(dir, "archive", 3, PORT_BASE, LocalCluster.defaultJavaCommand(), Map.of())
                .withExtraConfig(i -> BackupRepos.section(repo, "5s"));
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        cluster.writeConfigs();
        for (int i = 0; i < cluster.size(); i++) {
            Path config = cluster.configFile(i);
            Files.writeString(config, Files.readString(config)
                    .replace("postgres:\n", "postgres:\n  max_slot_wal_keep_size: " + LostSlotTest.SLOT_LIMIT + "\n"));
        }
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        props = TestClusters.superuser(cluster);
    }

    @AfterAll
    void stop() throws Exception {
        TestClusters.stop(cluster);
    }

    @Test
    @Order(1)
    void theArchiveHasNoGapAfterThreeFailovers() throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
        }
        await().atMost(BOUND).until(() -> check(cluster.leader().orElseThrow()).ok());
        RestoreTest.Cli backup = RestoreTest.cli("backup", "--type", "full", "-c", cluster.configFile(0).toString());
        assertThat(backup.exit()).as(backup.out() + backup.err()).isZero();
        for (int round = 0; round < 3; round++) {
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
                st.execute("INSERT INTO t (id) SELECT g FROM generate_series(" + round * 1000 + ", " + (round * 1000 + 999) + ") g");
                st.execute("SELECT pg_switch_wal()");
                st.execute("INSERT INTO t (id) VALUES (" + (round * 1000 + 1000 - 1 + 100000) + ")");
            }
            int old = cluster.leader().orElseThrow();
            cluster.killNode(old);
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.leader().filter(l -> l != old).isPresent());
            cluster.start(old);
            await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);
        }
        RestoreTest.Cli check = RestoreTest.cli("backup", "check", "-c", cluster.configFile(0).toString());
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("OK archive continuity").contains("timeline switch");
    }

    @Test
    @Order(2)
    void aStandbyAwayPastItsSlotLimitCatchesUpFromTheArchive() throws Exception {
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);
        int lead = cluster.leader().orElseThrow();
        int away = (lead + 1) % cluster.size();
        String slot = ManagedFiles.slotName(cluster.name(away));
        long movedBefore = movedAside(away);
        cluster.stopAgent(away);
        long logBefore = Files.size(cluster.agentLog(away));
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            String before = LostSlotTest.restartLsn(st, slot);
            st.execute("CREATE TABLE filler (payload text)");
            await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> {
                st.execute("INSERT INTO filler SELECT repeat('x', 1000) FROM generate_series(1, 8000)");
                st.execute("SELECT pg_switch_wal()");
                st.execute("CHECKPOINT");
                return "lost".equals(LostSlotTest.walStatus(st, slot)) || LostSlotTest.movedPast(st, slot, before);
            });
        }
        cluster.start(away);
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);

        assertThat(movedAside(away)).as("no re-clone: the data directory was not moved aside").isEqualTo(movedBefore);
        String since = Files.readString(cluster.agentLog(away)).substring((int) logBefore);
        assertThat(since).as("no rewind or re-clone was needed").doesNotContain("Rewind:").doesNotContain("Reinit:");
        try (var logs = Files.list(cluster.dataDir(away).resolveSibling(cluster.dataDir(away).getFileName() + ".run"))) {
            String serverLogs = logs.filter(p -> p.getFileName().toString().startsWith("postgresql-"))
                    .map(ArchiveTest::read).reduce("", String::concat);
            assertThat(serverLogs).as("WAL replayed from the archive").contains("from archive");
        }
    }

    /** Data directories of {@code node} kept aside so far (a remedy of an earlier test may have left one). */
    long movedAside(int node) throws java.io.IOException {
        try (var siblings = Files.list(cluster.nodeDir(node))) {
            return siblings.filter(p -> p.getFileName().toString().startsWith("data.moved-")).count();
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    OsCommand.Result check(int node) throws Exception {
        return new BackRest(ConfigLoader.load(cluster.configFile(node))).run(List.of("check"), 120_000);
    }
}
