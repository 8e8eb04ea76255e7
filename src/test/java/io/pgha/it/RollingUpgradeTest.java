package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.cli.ClusterTable;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreFormat;
import io.pgha.dcs.Stores;
import io.pgha.ha.ClusterReport;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.PreviousBuild;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's upgrade procedure, for real: a cluster running the previous build (an earlier commit, built by
 * {@link PreviousBuild}) is upgraded node by node to this build under a steady writer. Standbys first (SIGTERM: the
 * agent stops PostgreSQL; its store process is stopped too, as the package upgrade restarts both), each started again
 * from this build; then a switchover to an upgraded standby; then the old primary the same way. Nothing acknowledged
 * is lost, no write gap is longer than a plain switchover's, the leader changes once, every node streams again, and
 * the new leader records the store format the previous build did not write. Then the guard: a store of a newer
 * format than this build understands makes every agent stand still and say which version to install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollingUpgradeTest {
    static final Duration BOUND = TestClusters.BOUND;
    /** 24600..24902 with a stride of 50: inside this test's range 24600-24999, clear of every other test's. */
    static final int PORT_BASE = 24600;
    static final int PORT_STRIDE = 50;
    /**
     * A switchover's gap is a clean stop (its checkpoint grows with the writes since the last one), a promotion and a
     * reconnect: 0.4 to 1.6 s from one switchover to the next on this machine (eleven measured). The upgrade's own
     * switchover (an old agent handing over to a new one) may differ from the plain ones by that spread, not more:
     * a hand-over that fell back to a failover would wait out the lease (ttl 3 s) on top.
     */
    static final long SWITCHOVER_SPREAD_MILLIS = 1500;

    LocalCluster cluster;

    @AfterAll
    void stop() throws Exception {
        TestClusters.stop(cluster);
    }

    @Test
    @Order(1)
    void aClusterOfThePreviousBuildIsUpgradedNodeByNodeUnderASteadyWriter() throws Exception {
        long buildStarted = System.nanoTime();
        List<String> current = LocalCluster.defaultJavaCommand();
        PreviousBuild previous = PreviousBuild.ofDefaultCommit();
        List<String> old = previous.javaCommand(current);
        System.out.printf("previous build %s ready in %d ms%n", previous.commit(), (System.nanoTime() - buildStarted) / 1_000_000);

        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-upgrade-");
        cluster = new LocalCluster(dir, "upgrade", 3, PORT_BASE, old, Map.of()).withPortStride(PORT_STRIDE);
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        cluster.writeConfigs();
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        assertThat(cluster.snapshot().format()).as("the previous build records no store format").isNull();
        assertThat(cluster.snapshot().members().values()).extracting(Member::storeFormat).containsOnly(0);

        Properties props = TestClusters.superuser(cluster);
        TestClusters.createAckedTable(cluster, props);
        AckedWriter writer = new AckedWriter(cluster.jdbcUrl(), props, 0);
        long switchoverGap;
        long upgradeGap;
        Map<String, Long> steps = new LinkedHashMap<>();
        String upgradeSwitchover;
        int firstLeader;
        int newLeader;
        int promotionsBefore;
        try {
            awaitWrites(writer, 100);
            // plain switchovers on the previous build, there and back: the longer gap is the yardstick for the upgrade's
            int before = cluster.leader().orElseThrow();
            long from = System.currentTimeMillis();
            switchover(current, before, (before + 1) % 3);
            awaitWrites(writer, 100);
            long there = writer.longestGapMillis(from, System.currentTimeMillis());
            from = System.currentTimeMillis();
            switchover(current, (before + 1) % 3, before);
            awaitWrites(writer, 100);
            long back = writer.longestGapMillis(from, System.currentTimeMillis());
            switchoverGap = Math.max(there, back);
            System.out.printf("plain switchovers' longest write gaps: %d ms and %d ms%n", there, back);

            firstLeader = cluster.leader().orElseThrow();
            promotionsBefore = cluster.history().size();
            from = System.currentTimeMillis();
            long stepFrom = from;
            for (int standby = 0; standby < 3; standby++) {
                if (standby == firstLeader) continue;
                upgrade(standby, current, writer);
                stepFrom = step(steps, "upgrade standby " + cluster.name(standby), writer, stepFrom);
            }
            newLeader = (firstLeader + 1) % 3;
            switchover(current, firstLeader, newLeader);
            awaitWrites(writer, 100);
            upgradeSwitchover = "switchover to " + cluster.name(newLeader);
            stepFrom = step(steps, upgradeSwitchover, writer, stepFrom);
            upgrade(firstLeader, current, writer);
            step(steps, "upgrade the old primary " + cluster.name(firstLeader), writer, stepFrom);
            upgradeGap = writer.longestGapMillis(from, System.currentTimeMillis());
            System.out.println("longest write gap of each step (ms): " + steps);
        } finally {
            writer.close();
        }
        System.out.printf("longest write gap: plain switchover %d ms, whole upgrade %d ms; %d commits acknowledged%n",
                switchoverGap, upgradeGap, writer.count());

        Set<Integer> present = idsOnPrimary(props);
        List<Integer> missing = new ArrayList<>();
        for (int id : writer.acknowledged()) if (!present.contains(id)) missing.add(id);
        assertThat(missing).as("acknowledged commits missing after the upgrade").isEmpty();
        long handOver = steps.get(upgradeSwitchover);
        assertThat(handOver).as("the upgrade's switchover gap against the plain ones' (%d ms)", switchoverGap)
                .isLessThanOrEqualTo(switchoverGap + SWITCHOVER_SPREAD_MILLIS);
        long switchovers = Math.max(switchoverGap, handOver);
        steps.forEach((what, gap) -> assertThat(gap).as("%s: its longest write gap against a switchover's", what)
                .isLessThanOrEqualTo(switchovers));
        assertThat(cluster.history().size() - promotionsBefore).as("promotions during the upgrade").isEqualTo(1);
        assertThat(cluster.leader()).contains(newLeader);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        for (int i = 0; i < 3; i++)
            assertThat(cluster.agent(i).orElseThrow().info().commandLine().orElse("")).as("node %d's agent", i)
                    .doesNotContain(previous.commit());
        await().atMost(BOUND).until(() -> StoreFormat.current().equals(cluster.snapshot().format()));
        assertThat(cluster.snapshot().members().values()).extracting(Member::storeFormat).containsOnly(StoreFormat.CURRENT);
    }

    /** Notes the step's longest write gap; the next step starts now. */
    static long step(Map<String, Long> steps, String what, AckedWriter writer, long from) {
        long now = System.currentTimeMillis();
        steps.put(what, writer.longestGapMillis(from, now));
        return now;
    }

    @Test
    @Order(2)
    void everyAgentMeetingAStoreOfANewerFormatStandsStillAndSaysWhichVersionToInstall() throws Exception {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        int leader = cluster.leader().orElseThrow();
        int promotions = cluster.history().size();
        StoreFormat newer = new StoreFormat(StoreFormat.CURRENT + 1, "9.9.9");
        try (Store store = Stores.openForClient(cluster.dcs(), cluster.cluster(), Duration.ofSeconds(20), Duration.ofSeconds(60))) {
            store.writeFormat(newer);
            await().atMost(BOUND).until(() -> cluster.snapshot().members().values().stream()
                    .allMatch(m -> newer.refusal().equals(m.stuck())));
            String table = ClusterTable.render(ClusterReport.of(cluster.cluster(), cluster.snapshot()));
            assertThat(table).contains("install pgha 9.9.9 or newer on this node");
            for (int i = 0; i < 3; i++)
                assertThat(Files.readString(cluster.agentLog(i))).contains("refusing to act: " + newer.refusal());

            // the primary's PostgreSQL dies: nobody restarts it, nobody promotes, until the store is readable again
            cluster.killPostgres(leader);
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.postmaster(leader).isEmpty() && cluster.history().size() == promotions
                            && cluster.snapshot().leader() != null && cluster.snapshot().leader().holder().equals(cluster.name(leader)));
            for (int i = 0; i < 3; i++) if (i != leader) assertThat(cluster.postmaster(i)).as("standby %d runs on", i).isPresent();

            store.writeFormat(StoreFormat.current());
        }
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        assertThat(cluster.snapshot().members().values()).extracting(Member::stuck).containsOnlyNulls();
    }

    /** The package upgrade on node i: both its processes stopped, then started from {@code build}; back in the synchronous set. */
    void upgrade(int i, List<String> build, AckedWriter writer) throws Exception {
        assertThat(cluster.leader()).as("only standbys are upgraded in place").isNotEqualTo(Optional.of(i));
        // every standby in the synchronous set first: stopping the only one there would stall every commit
        awaitBothStandbysSynchronous();
        cluster.stopAgent(i);
        if (cluster.hostsStore(i)) cluster.stopStore(i);
        cluster.useJavaCommand(i, build);
        cluster.start(i);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        awaitBothStandbysSynchronous();
        awaitWrites(writer, 50);
    }

    void awaitBothStandbysSynchronous() {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> cluster.snapshot().sync().members().size() == 2);
    }

    /** {@code pgha switchover} as an operator runs it (this build's CLI), waiting for it to report the new primary. */
    void switchover(List<String> build, int leader, int candidate) throws Exception {
        List<String> cmd = new ArrayList<>(build);
        cmd.addAll(List.of("switchover", "--leader", cluster.name(leader), "--candidate", cluster.name(candidate),
                "-c", cluster.configFile(candidate).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> cluster.leader().equals(Optional.of(candidate)));
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
    }

    static void awaitWrites(AckedWriter writer, int more) {
        int before = writer.count();
        await().atMost(BOUND).until(() -> writer.count() >= before + more);
    }

    Set<Integer> idsOnPrimary(Properties props) throws Exception {
        Set<Integer> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM acked")) {
            while (rs.next()) out.add(rs.getInt(1));
        }
        return out;
    }
}
