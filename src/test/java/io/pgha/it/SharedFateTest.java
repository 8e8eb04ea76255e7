package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.TestClusters;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 11, DESIGN.md "the agent is not the store": the store's quorum lives in the store processes, so freezing or
 * killing both standbys' agents at once must not take the primary's writes. Each case runs under a steady writer
 * straight to the primary: its longest gap stays under a second, nothing acknowledged is lost, and when the agents
 * come back nothing happens (same leader, no promotion, every standby streaming again).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedFateTest {
    static final Duration BOUND = TestClusters.BOUND;
    static final long FAULT_MILLIS = 20_000;
    static final long MAX_GAP_MILLIS = 1_000;
    LocalCluster cluster;
    Properties props;

    @BeforeAll
    void start() throws Exception {
        cluster = TestClusters.startHealthy("sharedfate", 16432, Map.of());
        props = TestClusters.superuser(cluster);
        TestClusters.createAckedTable(cluster, props);
    }

    @AfterAll
    void stop() throws Exception {
        TestClusters.stop(cluster);
    }

    interface Fault {
        void on(List<Integer> standbys) throws Exception;
    }

    @Test
    void freezingBothStandbyAgentsFor20SecondsDoesNotStopThePrimarysWrites() throws Exception {
        underSteadyWrites(1_000_000, standbys -> {
            for (int s : standbys) cluster.freezeAgent(s);
            Thread.sleep(FAULT_MILLIS); // the fault's length, not a wait for a condition
            for (int s : standbys) cluster.thawAgent(s);
        });
    }

    @Test
    void killingBothStandbyAgentsDoesNotStopThePrimarysWrites() throws Exception {
        underSteadyWrites(2_000_000, standbys -> {
            for (int s : standbys) cluster.killAgent(s);
            // their store sessions expire: the primary sees both members gone before they come back
            await().atMost(BOUND).until(() -> cluster.snapshot().alive().stream()
                    .noneMatch(m -> standbys.stream().anyMatch(s -> cluster.name(s).equals(m))));
            // their PostgreSQL still streams and acknowledges: the primary keeps waiting for them rather than commit alone
            List<String> names = standbys.stream().map(cluster::name).toList();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.snapshot().sync().members().containsAll(names) && primaryWaitsFor(names));
            for (int s : standbys) cluster.start(s);
        });
    }

    void underSteadyWrites(int firstId, Fault fault) throws Exception {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        int lead = cluster.leader().orElseThrow();
        List<Integer> standbys = List.of(0, 1, 2).stream().filter(i -> i != lead).toList();
        int promotionsBefore = cluster.history().size();
        for (int s : standbys) assertThat(cluster.store(s)).as(cluster.name(s) + "'s store process").isPresent();
        String direct = "jdbc:postgresql://" + cluster.host(lead) + ":" + cluster.pgPort(lead) + "/postgres";
        AckedWriter writer = new AckedWriter(direct, props, firstId);
        long from;
        long to;
        try {
            await().atMost(BOUND).until(() -> writer.count() > 50);
            from = System.currentTimeMillis();
            fault.on(standbys);
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
            int afterReturn = writer.count();
            await().atMost(BOUND).until(() -> writer.count() > afterReturn + 100);
            to = System.currentTimeMillis();
        } finally {
            writer.close();
        }
        long gap = writer.longestGapMillis(from, to);
        System.out.printf("SharedFateTest: %d acknowledged writes, longest gap %d ms%n", writer.count(), gap);
        assertThat(gap).as("the primary's longest write gap (ms)").isLessThan(MAX_GAP_MILLIS);
        assertThat(cluster.leader()).as("leader after the agents' return").contains(lead);
        assertThat(cluster.history()).as("promotions recorded").hasSize(promotionsBefore);
        assertThat(rowsFrom(firstId)).as("acknowledged rows on the primary").containsAll(writer.acknowledged());
    }

    /** The primary's synchronous_standby_names names every one of {@code standbys}. */
    boolean primaryWaitsFor(List<String> standbys) throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             var rs = st.executeQuery("SHOW synchronous_standby_names")) {
            rs.next();
            String names = rs.getString(1);
            return standbys.stream().allMatch(n -> names.contains("\"" + n + "\""));
        }
    }

    Set<Integer> rowsFrom(int firstId) throws Exception {
        Set<Integer> rows = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT id FROM acked WHERE id > " + firstId)) {
            while (rs.next()) rows.add(rs.getInt(1));
        }
        return rows;
    }
}
