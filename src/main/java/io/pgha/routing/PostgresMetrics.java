package io.pgha.routing;

import io.pgha.postgres.PgMetrics;
import io.pgha.postgres.PgMetricsReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The local PostgreSQL's vital signs ({@code pgha_pg_*}), from the latest query batch {@link PostgresScrape} served. */
final class PostgresMetrics {
    /** Every state pg_stat_activity reports for a client, so a state's series does not vanish at zero. */
    static final List<String> CONNECTION_STATES = List.of("active", "idle", "idle_in_transaction",
            "idle_in_transaction_aborted", "fastpath_function_call", "disabled");

    private PostgresMetrics() {}

    static void render(Metrics m, PostgresScrape.Served s) {
        m.gauge("pgha_pg_scrape_ok", "1 when this scrape read PostgreSQL's figures afresh; 0 when PostgreSQL failed or"
                + " took over " + PostgresScrape.WAIT_MILLIS + " ms (the pgha_pg_* figures below, if any, are the last"
                + " good ones, pgha_pg_scrape_age_seconds old).", s.ok() ? 1 : 0);
        m.gauge("pgha_pg_scrape_seconds", "How long the latest query batch for these figures took (each statement is"
                + " cut off at " + PgMetricsReader.STATEMENT_TIMEOUT_MS + " ms).", Metrics.decimal(s.seconds()));
        m.header("pgha_pg_scrape_failures_total", "counter", "Query batches for these figures that failed.");
        m.sample("pgha_pg_scrape_failures_total", "", s.failures());
        PgMetrics p = s.metrics();
        if (p == null) return;
        m.gauge("pgha_pg_scrape_age_seconds", "Age of the pgha_pg_* figures served.", Metrics.decimal(s.ageSeconds()));
        m.gauge("pgha_pg_in_recovery", "1 when PostgreSQL runs as a standby (pg_is_in_recovery()).", p.inRecovery() ? 1 : 0);
        m.header("pgha_pg_wal_bytes_total", "counter", "WAL position in bytes: on the primary where it writes WAL, on a"
                + " standby what it replayed; rate() gives the bytes of WAL generated (or replayed) per second.");
        m.sample("pgha_pg_wal_bytes_total", "", Long.toUnsignedString(p.walBytes()));
        standbys(m, p);
        if (p.inRecovery()) recovery(m, p);
        database(m, p);
        slots(m, p);
        m.header("pgha_pg_checkpoints_total", "counter", "Checkpoints since the statistics were reset, by kind:"
                + " timed (checkpoint_timeout) or requested (max_wal_size, CHECKPOINT, shutdown).");
        m.sample("pgha_pg_checkpoints_total", Metrics.label("kind", "timed"), p.checkpointsTimed());
        m.sample("pgha_pg_checkpoints_total", Metrics.label("kind", "requested"), p.checkpointsRequested());
    }

    /** On a primary: per standby streaming from it, how far behind its position each stage is. */
    private static void standbys(Metrics m, PgMetrics p) {
        m.header("pgha_pg_standby_info", "gauge", "1 per standby connected to this node (pg_stat_replication), with its"
                + " walsender state and sync_state.");
        for (PgMetrics.Standby s : p.standbys())
            m.sample("pgha_pg_standby_info", Metrics.label("standby", s.name()) + Metrics.label("state", s.state())
                    + Metrics.label("sync_state", s.syncState()), 1);
        m.header("pgha_pg_standby_lag_bytes", "gauge", "Bytes of WAL a standby has not yet written, flushed or replayed,"
                + " behind this node's current WAL position.");
        for (PgMetrics.Standby s : p.standbys()) {
            stage(m, "pgha_pg_standby_lag_bytes", s.name(), "write", s.writeLagBytes());
            stage(m, "pgha_pg_standby_lag_bytes", s.name(), "flush", s.flushLagBytes());
            stage(m, "pgha_pg_standby_lag_bytes", s.name(), "replay", s.replayLagBytes());
        }
        m.header("pgha_pg_standby_lag_seconds", "gauge", "PostgreSQL's write_lag, flush_lag and replay_lag of a standby:"
                + " time from a local flush to the standby's report of that stage (absent while PostgreSQL has none).");
        for (PgMetrics.Standby s : p.standbys()) {
            stage(m, "pgha_pg_standby_lag_seconds", s.name(), "write", s.writeLagSeconds());
            stage(m, "pgha_pg_standby_lag_seconds", s.name(), "flush", s.flushLagSeconds());
            stage(m, "pgha_pg_standby_lag_seconds", s.name(), "replay", s.replayLagSeconds());
        }
    }

    private static void stage(Metrics m, String name, String standby, String stage, Number value) {
        if (value == null) return;
        Object v = value instanceof Double d ? Metrics.decimal(d) : value;
        m.sample(name, Metrics.label("standby", standby) + Metrics.label("stage", stage), v);
    }

    /** On a standby: its own position against what it received and what its upstream has. */
    private static void recovery(Metrics m, PgMetrics p) {
        m.gauge("pgha_pg_receive_lag_bytes", "Standby: bytes of WAL its upstream last reported having that this node"
                + " has not yet received.", p.receiveLagBytes());
        m.gauge("pgha_pg_replay_lag_bytes", "Standby: bytes of WAL received but not yet replayed.", p.replayLagBytes());
        m.gauge("pgha_pg_replay_lag_seconds", "Standby: age of the latest replayed transaction while WAL waits to be"
                + " replayed; 0 when everything received is replayed.", Metrics.decimal(p.replayLagSeconds()));
        m.gauge("pgha_pg_replay_paused", "Standby: 1 when WAL replay is paused (pg_wal_replay_pause()).",
                p.replayPaused() ? 1 : 0);
    }

    private static void database(Metrics m, PgMetrics p) {
        m.header("pgha_pg_xact_commits_total", "counter", "Transactions committed in a database (pg_stat_database).");
        for (PgMetrics.Database d : p.databases())
            m.sample("pgha_pg_xact_commits_total", Metrics.label("datname", d.name()), d.commits());
        m.header("pgha_pg_xact_rollbacks_total", "counter", "Transactions rolled back in a database (pg_stat_database).");
        for (PgMetrics.Database d : p.databases())
            m.sample("pgha_pg_xact_rollbacks_total", Metrics.label("datname", d.name()), d.rollbacks());
        m.header("pgha_pg_database_size_bytes", "gauge", "Disk space a database uses (pg_database_size()).");
        for (PgMetrics.Database d : p.databases())
            m.sample("pgha_pg_database_size_bytes", Metrics.label("datname", d.name()), d.sizeBytes());
        Map<String, Long> byState = new LinkedHashMap<>();
        for (String state : CONNECTION_STATES) byState.put(state, 0L);
        byState.putAll(p.connections());
        m.header("pgha_pg_connections", "gauge", "Client connections by state (pg_stat_activity).");
        byState.forEach((state, n) -> m.sample("pgha_pg_connections", Metrics.label("state", state), n));
        m.gauge("pgha_pg_max_connections", "PostgreSQL's max_connections.", p.maxConnections());
        m.gauge("pgha_pg_oldest_transaction_age_seconds", "Age of the oldest open transaction of any client"
                + " (pg_stat_activity.xact_start); 0 when none is open.", Metrics.decimal(p.oldestXactSeconds()));
    }

    private static void slots(Metrics m, PgMetrics p) {
        m.header("pgha_pg_slot_retained_bytes", "gauge", "Bytes of WAL a replication slot keeps from being recycled:"
                + " this node's WAL position minus the slot's restart_lsn.");
        for (PgMetrics.Slot s : p.slots())
            m.sample("pgha_pg_slot_retained_bytes", Metrics.label("slot", s.name()) + Metrics.label("type", s.type()),
                    s.retainedBytes());
        m.header("pgha_pg_slot_active", "gauge", "1 when a client streams from the replication slot now.");
        for (PgMetrics.Slot s : p.slots())
            m.sample("pgha_pg_slot_active", Metrics.label("slot", s.name()) + Metrics.label("type", s.type()),
                    s.active() ? 1 : 0);
    }
}
