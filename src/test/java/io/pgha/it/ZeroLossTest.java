package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.TestClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * DESIGN.md invariant 3 under fire: a client writes continuously and logs every acknowledged commit
 * while the primary node is killed with kill -9 again and again; not one acknowledged commit may be
 * missing on the final primary. Synchronous quorum is the default, so nothing is configured for it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZeroLossTest {
    static final Duration BOUND = TestClusters.BOUND;
    LocalCluster cluster;
    Properties props;

    @BeforeAll
    void start() throws Exception {
        cluster = TestClusters.startHealthy("zeroloss", 29432, Map.of());
        props = TestClusters.superuser(cluster);
        TestClusters.createAckedTable(cluster, props);
    }

    @AfterAll
    void stop() throws Exception {
        TestClusters.stop(cluster);
    }

    Set<Integer> idsOnPrimary() throws Exception {
        Set<Integer> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM acked")) {
            while (rs.next()) out.add(rs.getInt(1));
        }
        return out;
    }

    @Test
    @Order(1)
    void theLeaderRecordsBothStandbysAsItsSynchronousQuorum() throws Exception {
        int lead = cluster.leader().orElseThrow();
        var sync = cluster.snapshot().sync();
        assertThat(sync.leader()).isEqualTo(cluster.name(lead));
        assertThat(sync.members()).hasSize(2).doesNotContain(cluster.name(lead));
        assertThat(sync.quorum()).isEqualTo(1);
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW synchronous_standby_names")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("ANY 1 (").contains(sync.members().get(0)).contains(sync.members().get(1));
        }
    }

    @Test
    @Order(2)
    void noAcknowledgedCommitIsLostAcrossFiveKillsOfThePrimaryNode() throws Exception {
        AckedWriter writer = new AckedWriter(cluster.jdbcUrl(), props, 0);
        try {
            for (int round = 0; round < 5; round++) {
                await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
                int before = writer.count();
                await().atMost(BOUND).until(() -> writer.count() > before + 50);
                int old = cluster.leader().orElseThrow();
                cluster.killNode(old);
                await().atMost(BOUND).pollInterval(Duration.ofMillis(50))
                        .until(() -> cluster.leader().filter(l -> l != old).isPresent());
                int afterKill = writer.count();
                await().atMost(BOUND).until(() -> writer.count() > afterKill + 20);
                cluster.start(old);
            }
            await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
        } finally {
            writer.close();
        }
        Set<Integer> present = idsOnPrimary();
        List<Integer> missing = new ArrayList<>();
        for (int id : writer.acknowledged()) if (!present.contains(id)) missing.add(id);
        assertThat(writer.count()).isGreaterThan(350);
        assertThat(missing).as("acknowledged commits missing on the final primary").isEmpty();
    }

    @Test
    @Order(3)
    void withOneStandbyStoppedWritesContinueAndTheSetShrinksToTheOther() throws Exception {
        int lead = cluster.leader().orElseThrow();
        int gone = (lead + 1) % 3;
        int other = 3 - lead - gone;
        cluster.stopAgent(gone);
        await().atMost(BOUND).until(() -> cluster.snapshot().sync().members().equals(List.of(cluster.name(other))));
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO acked VALUES (-1)")).isEqualTo(1);
        }
        String table = io.pgha.cli.ClusterTable.render(io.pgha.ha.ClusterReport.of("zeroloss", cluster.snapshot()));
        assertThat(table).contains("agent down").contains("sync replica").doesNotContain("WARNING");
        cluster.start(gone);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
        await().atMost(BOUND).until(() -> cluster.snapshot().sync().members().size() == 2);
    }

    record Cli(int exit, String out, String err) {}

    Cli pgha(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("pgha-cli-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            return new Cli(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    @Order(4)
    void switchoverUnderWritesLosesNothingAndTheOldPrimaryFollowsWithoutRewind() throws Exception {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
        int old = cluster.leader().orElseThrow();
        long rewindsBefore = Files.readString(cluster.agentLog(old)).lines().filter(l -> l.contains("Rewind:")).count();
        AckedWriter writer = new AckedWriter(cluster.jdbcUrl(), props, 1_000_000);
        Cli r;
        try {
            await().atMost(BOUND).until(() -> writer.count() > 50);
            r = pgha("switchover", "-c", cluster.configFile(0).toString());
            int afterSwitch = writer.count();
            await().atMost(BOUND).until(() -> writer.count() > afterSwitch + 50);
        } finally {
            writer.close();
        }
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("is the primary");
        int now = cluster.leader().orElseThrow();
        assertThat(now).isNotEqualTo(old);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
        Set<Integer> present = idsOnPrimary();
        assertThat(writer.acknowledged().stream().filter(id -> !present.contains(id)).toList()).as("lost in the switchover").isEmpty();
        long rewindsAfter = Files.readString(cluster.agentLog(old)).lines().filter(l -> l.contains("Rewind:")).count();
        assertThat(rewindsAfter).as("the old primary followed without pg_rewind").isEqualTo(rewindsBefore);
        assertThat(Files.readString(cluster.agentLog(old))).doesNotContain("moved data directory");
    }

    @Test
    @Order(5)
    void switchoverToAStoppedCandidateIsRefusedWithTheReason() throws Exception {
        int lead = cluster.leader().orElseThrow();
        int down = (lead + 1) % 3;
        cluster.stopAgent(down);
        await().atMost(BOUND).until(() -> !cluster.snapshot().isAlive(cluster.name(down)));
        Cli r = pgha("switchover", "--candidate", cluster.name(down), "-c", cluster.configFile(lead).toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("switchover refused: " + cluster.name(down) + ": its agent is down");
        assertThat(cluster.leader()).contains(lead);
        cluster.start(down);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
    }
}
