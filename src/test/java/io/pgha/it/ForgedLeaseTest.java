package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.TestClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14's hole, seen on the demo: a plain ZooKeeper client deleted the leader key and created it again, ephemeral,
 * naming another member, and that member promoted within a second (the path that takes over "its own lease from a
 * previous session" trusted any key with its name and skipped the election's rules). Here the forged key names a
 * member tagged nofailover, which no election would ever promote: it must stay a standby while the key lives, the real
 * primary stops taking writes (the store says someone else leads), and once the forger's session ends the cluster
 * elects as usual, without losing an acknowledged write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgedLeaseTest {
    static final Duration BOUND = TestClusters.BOUND;
    static final long FORGED_MILLIS = 8_000;
    LocalCluster cluster;
    Properties props;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-forged-");
        cluster = new LocalCluster(dir, "forged", 3, 32000, LocalCluster.defaultJavaCommand(), Map.of())
                .withExtraConfig(i -> i == 2 ? "tags:\n  nofailover: true\n" : "");
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        cluster.writeConfigs();
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        if (cluster.leader().orElseThrow() == 2) {
            // nofailover keeps a node from being promoted, not from bootstrapping: hand the primary role over first
            java.util.List<String> cmd = new java.util.ArrayList<>(LocalCluster.defaultJavaCommand());
            cmd.addAll(java.util.List.of("switchover", "--candidate", cluster.name(0), "-c", cluster.configFile(0).toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
        }
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.healthy() && cluster.leader().filter(l -> l != 2).isPresent());
        props = TestClusters.superuser(cluster);
        TestClusters.createAckedTable(cluster, props);
    }

    @AfterAll
    void stop() throws Exception {
        TestClusters.stop(cluster);
    }

    @Test
    void aForgedLeaseNamingANofailoverStandbyNeverPromotesItAndLosesNothing() throws Exception {
        String victim = cluster.name(2);
        String leaderKey = "/pgha/forged/leader";
        AckedWriter writer = new AckedWriter(cluster.jdbcUrl(), props, 0);
        long promotedChecks = 0;
        try {
            await().atMost(BOUND).until(() -> writer.count() > 100);
            try (CuratorFramework forger = CuratorFrameworkFactory.newClient(cluster.zkConnect(), 10_000, 5_000,
                    new RetryNTimes(3, 100))) {
                forger.start();
                assertThat(forger.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
                forger.delete().forPath(leaderKey);
                forger.create().withMode(CreateMode.EPHEMERAL).forPath(leaderKey, victim.getBytes(StandardCharsets.UTF_8));
                long until = System.currentTimeMillis() + FORGED_MILLIS;
                while (System.currentTimeMillis() < until) {
                    assertThat(inRecovery(2)).as(victim + " (nofailover) is still a standby while the forged lease lives").isTrue();
                    promotedChecks++;
                    Thread.sleep(100); // a sampling period over the forged lease's lifetime, not a wait for a condition
                }
            }
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.healthy() && cluster.leader().filter(l -> l != 2).isPresent());
            int after = writer.count();
            await().atMost(BOUND).until(() -> writer.count() > after + 50);
        } finally {
            writer.close();
        }
        assertThat(promotedChecks).as("samples of " + victim + "'s role while the forged lease lived").isGreaterThan(20);
        assertThat(cluster.history().stream().map(h -> h.member()).toList()).as("promotions recorded").doesNotContain(victim);
        Set<Integer> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM acked")) {
            while (rs.next()) present.add(rs.getInt(1));
        }
        assertThat(writer.acknowledged().stream().filter(id -> !present.contains(id)).toList()).as("acknowledged writes lost").isEmpty();
    }

    /** Node i's PostgreSQL answers as a standby (a failed connection counts as not promoted: it cannot take writes). */
    boolean inRecovery(int i) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + cluster.host(i) + ":" + cluster.pgPort(i)
                + "/postgres?connectTimeout=2&socketTimeout=2", props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
            return rs.next() && rs.getBoolean(1);
        } catch (java.sql.SQLException e) {
            return true;
        }
    }
}
