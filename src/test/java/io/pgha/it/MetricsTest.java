package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.postgres.ManagedFiles;
import io.pgha.testing.Dashboard;
import io.pgha.testing.Exposition;
import io.pgha.testing.TestClusters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 16: a running cluster's /metrics under a pgbench load. The PostgreSQL figures move the way the cluster does:
 * replay paused on a standby makes its lag grow, a standby that is down makes its slot retain WAL, commits count up,
 * and a failover is counted by the agent that promoted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsTest {
    static final int PORT_BASE = 20600;
    static final String BIN = "/usr/lib/postgresql/15/bin/";
    static final long MB = 1L << 20;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<Double> batchSeconds = new ArrayList<>();
    LocalCluster cluster;
    Properties props;
    Process load;

    @BeforeAll
    void start() throws Exception {
        cluster = TestClusters.startHealthy("metrics", PORT_BASE, Map.of());
        props = TestClusters.superuser(cluster);
        int lead = cluster.leader().orElseThrow();
        Process init = pgbench(lead, "-i", "-q", "-s", "2");
        assertThat(init.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(init.exitValue()).as("pgbench -i: %s", new String(init.getInputStream().readAllBytes())).isZero();
        // a steady, bounded load: 150 TPC-B transactions a second for at most ten minutes
        load = pgbench(lead, "-n", "-c", "2", "-j", "1", "-R", "150", "-T", "600");
    }

    @AfterAll
    void stop() throws Exception {
        if (load != null) {
            load.destroy();
            load.waitFor(10, TimeUnit.SECONDS);
        }
        if (!batchSeconds.isEmpty()) {
            List<Double> sorted = batchSeconds.stream().sorted().toList();
            System.out.printf("MetricsTest: PostgreSQL query batch per scrape (pgha_pg_scrape_seconds), %d scrapes:"
                            + " median %.2f ms, p90 %.2f ms, max %.2f ms%n", sorted.size(), sorted.get(sorted.size() / 2) * 1e3,
                    sorted.get(sorted.size() * 9 / 10) * 1e3, sorted.get(sorted.size() - 1) * 1e3);
        }
        TestClusters.stop(cluster);
    }

    @Test
    @Order(1)
    void everyAgentsExpositionParsesAndServesEveryMetricTheDashboardQueries() throws Exception {
        Set<String> exported = new TreeSet<>();
        for (int i = 0; i < cluster.size(); i++) {
            String text = metricsText(i);
            Exposition e = Exposition.parse(text);
            exported.addAll(e.types().keySet());
            assertThat(e.value("pgha_pg_scrape_ok")).as("node %d reads its PostgreSQL", i).isEqualTo(1);
            assertThat(e.value("pgha_pg_max_connections")).isPositive();
            promtoolAccepts(text);
        }
        Dashboard d = Dashboard.read(Path.of("dashboards/pgha.json"));
        assertThat(exported).as("metric names the agents export").containsAll(d.metricNames());
    }

    @Test
    @Order(2)
    void theCommitCounterGrowsUnderLoad() throws Exception {
        int lead = cluster.leader().orElseThrow();
        double before = scrape(lead).value("pgha_pg_xact_commits_total", "datname", "postgres");
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> scrape(lead).value("pgha_pg_xact_commits_total", "datname", "postgres") > before + 100);
        Exposition e = scrape(lead);
        assertThat(e.value("pgha_pg_wal_bytes_total")).isPositive();
        assertThat(e.value("pgha_pg_in_recovery")).isZero();
        assertThat(e.value("pgha_pg_connections", "state", "active") + e.value("pgha_pg_connections", "state", "idle"))
                .as("pgbench's two clients and this scrape's own connection").isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    void replicationLagRisesWhileAStandbysReplayIsPausedAndFallsAfterResume() throws Exception {
        int lead = cluster.leader().orElseThrow();
        int standby = (lead + 1) % cluster.size();
        String name = cluster.name(standby);
        sql(standby, "SELECT pg_wal_replay_pause()");
        try {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                    .until(() -> replayLag(lead, name) > MB);
            Exposition own = scrape(standby);
            assertThat(own.value("pgha_pg_replay_paused")).isEqualTo(1);
            assertThat(own.value("pgha_pg_replay_lag_bytes")).as("the standby's own view").isPositive();
            await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                    .until(() -> scrape(standby).value("pgha_pg_replay_lag_seconds") > 1);
        } finally {
            sql(standby, "SELECT pg_wal_replay_resume()");
        }
        double peak = replayLag(lead, name);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(() -> replayLag(lead, name) < peak / 4);
        assertThat(scrape(standby).value("pgha_pg_replay_paused")).isZero();
    }

    @Test
    @Order(4)
    void aDownStandbysSlotRetainsMoreAndMoreWal() throws Exception {
        int lead = cluster.leader().orElseThrow();
        int away = (lead + 2) % cluster.size();
        String slot = ManagedFiles.slotName(cluster.name(away));
        cluster.stopAgent(away);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> scrape(lead).value("pgha_pg_slot_active", "slot", slot) == 0);
        double first = scrape(lead).value("pgha_pg_slot_retained_bytes", "slot", slot);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> scrape(lead).value("pgha_pg_slot_retained_bytes", "slot", slot) > first + MB);
        cluster.start(away);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> scrape(lead).value("pgha_pg_slot_active", "slot", slot) == 1
                        && scrape(lead).value("pgha_pg_slot_retained_bytes", "slot", slot) < first + MB);
    }

    @Test
    @Order(5)
    void theAgentThatPromotesCountsTheFailover() throws Exception {
        int old = cluster.leader().orElseThrow();
        cluster.killNode(old);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.leader().filter(l -> l != old).isPresent());
        int lead = cluster.leader().orElseThrow();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> scrape(lead).value("pgha_pg_in_recovery") == 0);
        Exposition e = scrape(lead);
        assertThat(e.value("pgha_promotions_total", "reason", "failover")).isEqualTo(1);
        assertThat(e.value("pgha_promotions_total", "reason", "switchover")).isZero();
        assertThat(e.value("pgha_failovers_total")).isEqualTo(1);
        int other = 3 - old - lead;
        assertThat(scrape(other).value("pgha_promotions_total", "reason", "failover")).as("the standby that did not promote")
                .isZero();
    }

    double replayLag(int node, String standby) throws Exception {
        return scrape(node).value("pgha_pg_standby_lag_bytes", "standby", standby, "stage", "replay");
    }

    Exposition scrape(int node) throws Exception {
        Exposition e = Exposition.parse(metricsText(node));
        if (!e.samples("pgha_pg_scrape_seconds").isEmpty()) batchSeconds.add(e.value("pgha_pg_scrape_seconds"));
        return e;
    }

    String metricsText(int node) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.apiPort(node) + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET /metrics on node %d", node).isEqualTo(200);
        return r.body();
    }

    void sql(int node, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.pgPort(node) + "/postgres", props);
             Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    Process pgbench(int node, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BIN + "pgbench", "-h", "127.0.0.1", "-p", String.valueOf(cluster.pgPort(node)),
                "-U", "postgres"));
        cmd.addAll(List.of(args));
        cmd.add("postgres");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", cluster.superuserPassword());
        if (args[0].equals("-n")) pb.redirectOutput(cluster.dir().resolve("pgbench.log").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    static void promtoolAccepts(String text) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics said: %s", said).isZero();
    }
}
