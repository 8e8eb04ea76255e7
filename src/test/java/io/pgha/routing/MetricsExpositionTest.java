package io.pgha.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgha.admin.BackupHealth;
import io.pgha.ha.HaCounters;
import io.pgha.ha.NodeState;
import io.pgha.postgres.PgMetrics;
import io.pgha.postgres.PostgresException;
import io.pgha.testing.Dashboard;
import io.pgha.testing.Exposition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pgha_pg_* and HA event families: rendered, read back by a strict parser and by Prometheus' own promtool. */
class MetricsExpositionTest {
    static final PgMetrics PRIMARY = new PgMetrics(false, 0x3_0500_0000L, 0, 0, 0, false, 100,
            Map.of("active", 3L, "idle_in_transaction", 1L), 12.5, 40, 7,
            List.of(new PgMetrics.Standby("node2", "streaming", "sync", 0L, 0L, 8192L, 0.001, 0.002, 0.0125),
                    new PgMetrics.Standby("node3", "catchup", "async", null, null, null, null, null, null)),
            List.of(new PgMetrics.Slot("pgha_node2", "physical", true, 8192), new PgMetrics.Slot("pgha_node3", "physical", false, 1L << 30)),
            List.of(new PgMetrics.Database("postgres", 7_634_279, 1234, 5), new PgMetrics.Database("app \"x\"", 1_000_000, 1, 0)));
    static final PgMetrics STANDBY = new PgMetrics(true, 0x3_0400_0000L, 4096, 1L << 20, 3.25, true, 100,
            Map.of("idle", 1L), 0, 40, 7, List.of(), List.of(), List.of(new PgMetrics.Database("postgres", 7_634_279, 12, 0)));

    static String render(NodeState s, PgMetrics pg) {
        HaCounters.Snapshot ha = new HaCounters.Snapshot(new long[] {2, 0, 1}, new long[] {1, 0, 0}, new long[] {0, 1});
        return Metrics.render(s, BackupHealth.UNKNOWN, ha, new PostgresScrape.Served(pg, true, 0.0042, 0.01, 0));
    }

    /** Every family a primary or a standby agent declares on /metrics. */
    static Set<String> exportedNames() {
        Set<String> names = new TreeSet<>(Exposition.parse(render(RestApiTest.leader(), PRIMARY)).types().keySet());
        names.addAll(Exposition.parse(render(RestApiTest.replica(), STANDBY)).types().keySet());
        return names;
    }

    @Test
    void aPrimarysFiguresParseStrictlyWithTheirLabels() {
        Exposition e = Exposition.parse(render(RestApiTest.leader(), PRIMARY));
        assertThat(e.types()).containsEntry("pgha_pg_wal_bytes_total", "counter")
                .containsEntry("pgha_pg_standby_lag_bytes", "gauge").containsEntry("pgha_promotions_total", "counter");
        assertThat(e.value("pgha_pg_standby_lag_bytes", "standby", "node2", "stage", "replay")).isEqualTo(8192);
        assertThat(e.value("pgha_pg_standby_lag_seconds", "standby", "node2", "stage", "replay")).isEqualTo(0.0125);
        assertThat(e.samples("pgha_pg_standby_lag_bytes")).as("no figure for a standby PostgreSQL has none for")
                .noneMatch(s -> s.label("standby").equals("node3"));
        assertThat(e.value("pgha_pg_standby_info", "standby", "node3", "state", "catchup", "sync_state", "async")).isEqualTo(1);
        assertThat(e.value("pgha_pg_slot_retained_bytes", "slot", "pgha_node3")).isEqualTo(1L << 30);
        assertThat(e.value("pgha_pg_slot_active", "slot", "pgha_node3")).isZero();
        assertThat(e.value("pgha_pg_xact_commits_total", "datname", "app \"x\"")).isEqualTo(1);
        assertThat(e.value("pgha_pg_connections", "state", "idle_in_transaction")).isEqualTo(1);
        assertThat(e.value("pgha_pg_connections", "state", "idle")).as("every state is present, zero included").isZero();
        assertThat(e.value("pgha_pg_max_connections")).isEqualTo(100);
        assertThat(e.value("pgha_pg_oldest_transaction_age_seconds")).isEqualTo(12.5);
        assertThat(e.value("pgha_pg_checkpoints_total", "kind", "requested")).isEqualTo(7);
        assertThat(e.value("pgha_pg_wal_bytes_total")).isEqualTo((double) 0x3_0500_0000L);
        assertThat(e.value("pgha_promotions_total", "reason", "failover")).isEqualTo(2);
        assertThat(e.value("pgha_promotions_total", "reason", "switchover")).isEqualTo(1);
        assertThat(e.value("pgha_fencing_stops_total", "trigger", "store_silence")).isEqualTo(1);
        assertThat(e.value("pgha_pg_scrape_ok")).isEqualTo(1);
        assertThat(e.value("pgha_pg_scrape_seconds")).isEqualTo(0.0042);
        assertThat(e.types()).as("a primary has no recovery figures").doesNotContainKey("pgha_pg_replay_lag_bytes");
    }

    @Test
    void aStandbyReportsItsOwnReceiveAndReplayLag() {
        Exposition e = Exposition.parse(render(RestApiTest.replica(), STANDBY));
        assertThat(e.value("pgha_pg_in_recovery")).isEqualTo(1);
        assertThat(e.value("pgha_pg_receive_lag_bytes")).isEqualTo(4096);
        assertThat(e.value("pgha_pg_replay_lag_bytes")).isEqualTo(1L << 20);
        assertThat(e.value("pgha_pg_replay_lag_seconds")).isEqualTo(3.25);
        assertThat(e.value("pgha_pg_replay_paused")).isEqualTo(1);
        assertThat(e.samples("pgha_pg_standby_lag_bytes")).isEmpty();
    }

    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(promtool).as("promtool (Debian package 'prometheus', installed by .ci/run)").isExecutable();
        for (String text : List.of(render(RestApiTest.leader(), PRIMARY), render(RestApiTest.replica(), STANDBY))) {
            Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("promtool check metrics said: %s", said).isZero();
        }
    }

    @Test
    void aHungPostgresDelaysTheScrapeByTheBoundAndTheLastGoodFiguresAreServed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int[] calls = {0};
        PostgresScrape scrape = new PostgresScrape(() -> {
            if (calls[0]++ == 0) return PRIMARY;
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return STANDBY;
        }, () -> {});
        assertThat(scrape.serve().ok()).isTrue();
        PostgresScrape.Served stuck = assertTimeoutPreemptively(Duration.ofSeconds(5), scrape::serve);
        assertThat(stuck.ok()).isFalse();
        assertThat(stuck.metrics()).isSameAs(PRIMARY);
        Exposition e = Exposition.parse(Metrics.render(RestApiTest.leader(), BackupHealth.UNKNOWN, HaCounters.NONE, stuck));
        assertThat(e.value("pgha_pg_scrape_ok")).isZero();
        assertThat(e.value("pgha_pg_max_connections")).isEqualTo(100);
        PostgresScrape.Served again = assertTimeoutPreemptively(Duration.ofSeconds(5), scrape::serve);
        assertThat(calls[0]).as("a second scrape waits for the batch in flight, it does not start another").isEqualTo(2);
        assertThat(again.ok()).isFalse();
        release.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> scrape.serve().metrics() == STANDBY);
    }

    @Test
    void aFailingPostgresIsCountedAndServesNoFiguresItNeverHad() {
        PostgresScrape scrape = new PostgresScrape(() -> {
            throw new PostgresException("reading PostgreSQL's metrics failed: Connection refused");
        }, () -> {});
        PostgresScrape.Served s = scrape.serve();
        assertThat(s.ok()).isFalse();
        assertThat(s.metrics()).isNull();
        assertThat(s.failures()).isEqualTo(1);
        Exposition e = Exposition.parse(Metrics.render(RestApiTest.leader(), BackupHealth.UNKNOWN, HaCounters.NONE, s));
        assertThat(e.value("pgha_pg_scrape_failures_total")).isEqualTo(1);
        assertThat(e.types()).doesNotContainKey("pgha_pg_connections");
    }

    @Test
    void theDashboardIsJsonAndQueriesOnlyExportedMetrics() throws Exception {
        Dashboard d = Dashboard.read(Path.of("dashboards/pgha.json"));
        assertThat(d.panelTitles()).contains("Primary", "Members up", "Replication lag per standby (bytes)",
                "Transactions per second", "Connections", "WAL retained by replication slots", "Promotions and fencing");
        assertThat(d.metricNames()).isNotEmpty();
        assertThat(exportedNames()).as("metrics an agent exports").containsAll(d.metricNames());
    }
}
