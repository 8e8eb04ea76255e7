package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.LocalEtcd;
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

/** Three agents on a real three-member etcd instead of the embedded ZooKeeper: bootstrap, kill -9 of the primary, rejoin, switchover. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdClusterTest {
    static final Duration BOUND = TestClusters.BOUND;
    LocalEtcd etcd;
    LocalCluster cluster;
    Properties props;

    @BeforeAll
    void start() throws Exception {
        etcd = LocalEtcd.start(11200, 3);
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-etcdit-");
        cluster = new LocalCluster(dir, "etcdit", 3, 11432, LocalCluster.defaultJavaCommand(), Map.of())
                .withEtcd(etcd.endpoints());
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        cluster.writeConfigs();
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        props = TestClusters.superuser(cluster);
        TestClusters.createAckedTable(cluster, props);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            TestClusters.stop(cluster);
        } finally {
            if (etcd != null) etcd.close();
        }
    }

    @Test
    @Order(1)
    void theClusterBootstrapsOnEtcdAndTheCliReadsItThroughDcs() throws Exception {
        assertThat(Files.readString(cluster.configFile(0))).contains("etcd:").doesNotContain("zookeeper");
        int lead = cluster.leader().orElseThrow();
        assertThat(cluster.snapshot().sync().members()).hasSize(2).doesNotContain(cluster.name(lead));
        List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
        cmd.addAll(List.of("list", "--dcs", etcd.dcsAddress(), "--cluster", "etcdit"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains(cluster.name(0)).contains(cluster.name(1)).contains(cluster.name(2));
    }

    @Test
    @Order(2)
    void killingThePrimaryNodeElectsAnotherLosesNoAcknowledgedWriteAndTheOldOneRejoins() throws Exception {
        AckedWriter writer = new AckedWriter(cluster.jdbcUrl(), props, 0);
        int old;
        try {
            await().atMost(BOUND).until(() -> writer.count() > 100);
            old = cluster.leader().orElseThrow();
            long lastAckBefore = writer.lastAcknowledgedAtMillis();
            long killedAt = System.currentTimeMillis();
            cluster.killNode(old);
            await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> cluster.leader().filter(l -> l != old).isPresent());
            long electedAt = System.currentTimeMillis();
            await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> writer.lastAcknowledgedAtMillis() > electedAt - 1
                    && writer.lastAcknowledgedAtMillis() > killedAt);
            System.out.printf("etcd failover: new leader %d ms after kill -9, longest write gap about %d ms%n",
                    electedAt - killedAt, writer.lastAcknowledgedAtMillis() - lastAckBefore);
            int afterKill = writer.count();
            await().atMost(BOUND).until(() -> writer.count() > afterKill + 50);
            cluster.start(old);
            await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
        } finally {
            writer.close();
        }
        Set<Integer> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM acked")) {
            while (rs.next()) present.add(rs.getInt(1));
        }
        List<Integer> missing = writer.acknowledged().stream().filter(id -> !present.contains(id)).toList();
        assertThat(missing).as("acknowledged commits missing on the new primary").isEmpty();
        assertThat(cluster.snapshot().members().get(cluster.name(old)).role()).as("the old primary rejoined as a standby")
                .isEqualTo(io.pgha.dcs.Member.REPLICA);
    }

    @Test
    @Order(3)
    void aSwitchoverThroughTheCliOnEtcdLosesNothingAndTheOldPrimaryFollows() throws Exception {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
        int old = cluster.leader().orElseThrow();
        int historyBefore = cluster.history().size();
        AckedWriter writer = new AckedWriter(cluster.jdbcUrl(), props, 1_000_000);
        String out;
        int exit;
        try {
            await().atMost(BOUND).until(() -> writer.count() > 50);
            List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
            cmd.addAll(List.of("switchover", "-c", cluster.configFile(old).toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes());
            exit = p.waitFor();
            int afterSwitch = writer.count();
            await().atMost(BOUND).until(() -> writer.count() > afterSwitch + 50);
        } finally {
            writer.close();
        }
        assertThat(exit).as(out).isZero();
        assertThat(out).contains("is the primary");
        // the new leader publishes its role a moment after the CLI saw it promote
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
        assertThat(cluster.leader().orElseThrow()).isNotEqualTo(old);
        assertThat(cluster.history()).as("one promotion recorded for the switchover").hasSize(historyBefore + 1);
        Set<Integer> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM acked WHERE id > 1000000")) {
            while (rs.next()) present.add(rs.getInt(1));
        }
        assertThat(writer.acknowledged().stream().filter(id -> !present.contains(id)).toList()).as("lost in the switchover").isEmpty();
        assertThat(cluster.snapshot().members().get(cluster.name(old)).role()).isEqualTo(io.pgha.dcs.Member.REPLICA);
    }
}
