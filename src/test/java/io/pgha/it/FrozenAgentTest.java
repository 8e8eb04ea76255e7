package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.dcs.HistoryEntry;
import io.pgha.demo.LocalCluster;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.TestClusters;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * DESIGN.md invariant 1 when the primary's agent is frozen (SIGSTOP, the way a long GC pause or a stuck disk
 * freezes it) and so cannot fence its own PostgreSQL. Asynchronous mode, on purpose: there the synchronous
 * quorum does not protect the old primary's commits, so only the watchdog stands between a frozen agent and
 * two primaries acknowledging writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrozenAgentTest {
    static final Duration BOUND = TestClusters.BOUND;
    LocalCluster cluster;
    Properties props;

    @BeforeAll
    void start() throws Exception {
        cluster = TestClusters.startHealthy("frozen", 23432, Map.of("synchronous_mode", "off"));
        props = TestClusters.superuser(cluster);
        TestClusters.createAckedTable(cluster, props);
    }

    @AfterAll
    void stop() throws Exception {
        TestClusters.stop(cluster);
    }

    /**
     * A client with no connect, login or socket timeout, as JDBC's defaults are: "refused" or "primary" (served by a
     * primary), never a hang; the bound here is only so a failing run ends.
     */
    String connectWithoutTimeouts(String host, int port) throws Exception {
        Properties noTimeouts = new Properties();
        noTimeouts.putAll(props);
        for (String t : List.of("connectTimeout", "socketTimeout", "loginTimeout")) noTimeouts.setProperty(t, "0");
        var attempt = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", noTimeouts);
                 Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                return rs.getBoolean(1) ? "standby" : "primary";
            } catch (java.sql.SQLException e) {
                return "refused";
            }
        }, r -> Thread.ofVirtual().start(r));
        return attempt.get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aFrozenPrimaryAgentsPostgresStopsBeforeAnotherNodePromotes() throws Exception {
        int old = cluster.leader().orElseThrow();
        long postmasterBefore = cluster.postmaster(old).orElseThrow().pid();
        // straight to the old primary's own port: no proxy or multi-host string to steer this client away from it
        String direct = "jdbc:postgresql://" + cluster.host(old) + ":" + cluster.pgPort(old) + "/postgres";
        AckedWriter toOldPrimary = new AckedWriter(direct, props, 0);
        HistoryEntry promotion;
        try {
            await().atMost(BOUND).until(() -> toOldPrimary.count() > 50);
            cluster.freezeAgent(old);
            await().atMost(BOUND).pollInterval(Duration.ofMillis(50))
                    .until(() -> cluster.leader().filter(l -> l != old).isPresent());
            int now = cluster.leader().orElseThrow();
            await().atMost(BOUND).until(() -> cluster.history().stream().anyMatch(h -> h.member().equals(cluster.name(now))));
            List<HistoryEntry> history = cluster.history();
            promotion = history.get(history.size() - 1);
            assertThat(promotion.member()).isEqualTo(cluster.name(now));
            // the agent is still frozen: only the watchdog can have stopped its PostgreSQL
            assertThat(cluster.postmaster(old)).as("the frozen primary's postmaster").isEmpty();
            assertThat(connectWithoutTimeouts(cluster.host(old), cluster.proxyPort(old)))
                    .as("a client with no timeout at the frozen node's read-write proxy").isIn("refused", "primary");
            // straight to the new primary: pgjdbc's multi-host URL remembers for a while which host was the primary
            String newPrimary = "jdbc:postgresql://" + cluster.host(now) + ":" + cluster.pgPort(now) + "/postgres";
            try (Connection c = DriverManager.getConnection(newPrimary, props); Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("INSERT INTO acked VALUES (-1)")).isEqualTo(1);
            }
        } finally {
            toOldPrimary.close();
            cluster.thawAgent(old);
        }
        assertThat(toOldPrimary.lastAcknowledgedAtMillis())
                .as("the old primary's last acknowledged write (ms) against the new primary's promotion (ms)")
                .isLessThan(promotion.atMillis());
        assertThat(Files.readString(cluster.agentLog(old)))
                .contains("pgha watchdog: the agent did not check in")
                .contains("postmaster " + postmasterBefore)
                .contains("sent nothing for 3.000000 s: killed it");
        await().atMost(BOUND).until(() -> Files.readString(cluster.agentLog(old)).contains("[supervisor] the agent ended by itself"));
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
    }
}
