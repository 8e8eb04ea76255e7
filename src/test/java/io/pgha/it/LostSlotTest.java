package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.postgres.ManagedFiles;
import io.pgha.testing.TestClusters;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9.1: a standby away so long that its slot was invalidated comes back by itself. The leader makes the slot
 * anew, the standby finds that a pg_rewind does not bring streaming back and re-clones, keeping its old data aside.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LostSlotTest {
    static final int PORT_BASE = 28432;
    static final String SLOT_LIMIT = "48MB";

    LocalCluster cluster;
    Properties props;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-lostslot-");
        cluster = new LocalCluster(dir, "lostslot", 3, PORT_BASE, LocalCluster.defaultJavaCommand(), Map.of());
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        cluster.writeConfigs();
        for (int i = 0; i < cluster.size(); i++) {
            Path config = cluster.configFile(i);
            Files.writeString(config, Files.readString(config)
                    .replace("postgres:\n", "postgres:\n  max_slot_wal_keep_size: " + SLOT_LIMIT + "\n"));
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
    void aStandbyWhoseSlotWasInvalidatedIsReClonedAndStreamsAgain() throws Exception {
        int lead = cluster.leader().orElseThrow();
        int away = (lead + 1) % cluster.size();
        String slot = ManagedFiles.slotName(cluster.name(away));
        cluster.stopAgent(away);

        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            String before = restartLsn(st, slot);
            st.execute("CREATE TABLE filler (payload text)");
            // invalidated, or already dropped and made anew by the leader (then it starts past where the standby stopped)
            await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> {
                st.execute("INSERT INTO filler SELECT repeat('x', 1000) FROM generate_series(1, 8000)");
                st.execute("SELECT pg_switch_wal()");
                st.execute("CHECKPOINT");
                return "lost".equals(walStatus(st, slot)) || movedPast(st, slot, before);
            });
        }
        assertThat(movedAside(away)).isEmpty();

        cluster.start(away);
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);

        assertThat(movedAside(away)).as("the old data directory, kept aside").hasSize(1);
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            assertThat(walStatus(st, slot)).isIn("reserved", "extended");
        }
        assertThat(Files.readString(cluster.agentLog(away))).contains("still not streaming from");
    }

    static String walStatus(Statement st, String slot) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String restartLsn(Statement st, String slot) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static boolean movedPast(Statement st, String slot, String lsn) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT restart_lsn > '" + lsn + "'::pg_lsn FROM pg_replication_slots"
                + " WHERE slot_name = '" + slot + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    List<Path> movedAside(int node) throws Exception {
        try (Stream<Path> siblings = Files.list(cluster.nodeDir(node))) {
            return siblings.filter(p -> p.getFileName().toString().startsWith("data.moved-")).toList();
        }
    }
}
