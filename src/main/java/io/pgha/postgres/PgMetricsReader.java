package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link PgMetrics} in one round trip on a connection of its own, never the HA loop's: every statement is
 * bounded by {@link #STATEMENT_TIMEOUT_MS} on the server, and the socket by a timeout on the client. Not thread-safe.
 */
public final class PgMetricsReader implements AutoCloseable {
    public static final int STATEMENT_TIMEOUT_MS = 500;

    private static final String POSITION = "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END";

    /** Five statements, sent together: pgjdbc sends a multi-statement string in one round trip. */
    static final String BATCH = String.join(";\n",
            "SELECT pg_is_in_recovery(),"
                    + " (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END - '0/0')::bigint,"
                    + " CASE WHEN pg_is_in_recovery() THEN GREATEST(0, COALESCE("
                    + "  (SELECT latest_end_lsn - flushed_lsn FROM pg_stat_wal_receiver), 0)) ELSE 0 END::bigint,"
                    + " CASE WHEN pg_is_in_recovery() THEN GREATEST(0, COALESCE("
                    + "  pg_last_wal_receive_lsn() - pg_last_wal_replay_lsn(), 0)) ELSE 0 END::bigint,"
                    // a standby with nothing left to replay is not behind, however old its latest transaction
                    + " CASE WHEN pg_is_in_recovery() AND pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()"
                    + "  THEN COALESCE(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) ELSE 0 END::float8,"
                    + " CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END,"
                    + " current_setting('max_connections')::int,"
                    + " COALESCE((SELECT extract(epoch FROM now() - min(xact_start)) FROM pg_stat_activity"
                    + "  WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()), 0)::float8,"
                    + " checkpoints_timed, checkpoints_req FROM pg_stat_bgwriter",
            "SELECT COALESCE(state, 'unknown'), count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1",
            "SELECT application_name, state, sync_state, (w.pos - write_lsn)::bigint, (w.pos - flush_lsn)::bigint,"
                    + " (w.pos - replay_lsn)::bigint, extract(epoch FROM write_lag)::float8,"
                    + " extract(epoch FROM flush_lag)::float8, extract(epoch FROM replay_lag)::float8"
                    + " FROM pg_stat_replication, (SELECT " + POSITION + " AS pos) w ORDER BY application_name, pid",
            "SELECT slot_name, slot_type, active, GREATEST(0, COALESCE(w.pos - restart_lsn, 0))::bigint"
                    + " FROM pg_replication_slots, (SELECT " + POSITION + " AS pos) w ORDER BY slot_name",
            "SELECT d.datname, %s, s.xact_commit, s.xact_rollback FROM pg_database d"
                    + " JOIN pg_stat_database s ON s.datid = d.oid WHERE d.datallowconn AND NOT d.datistemplate ORDER BY 1");
    /** pg_database_size() stats every file of a database: read it at most this often, it changes slowly. */
    static final long SIZES_EVERY_NANOS = 30_000_000_000L;

    private final SqlSession sql;
    private final Map<String, Long> sizes = new LinkedHashMap<>();
    private long sizesReadAtNanos;

    public PgMetricsReader(NodeConfig.Postgres config) {
        this.sql = new SqlSession(config, 2, "pgha-metrics", "-c statement_timeout=" + STATEMENT_TIMEOUT_MS);
    }

    public PgMetrics read() throws PostgresException {
        try (Statement st = sql.get().createStatement()) {
            boolean readSizes = sizesReadAtNanos == 0 || System.nanoTime() - sizesReadAtNanos > SIZES_EVERY_NANOS;
            st.execute(BATCH.formatted(readSizes ? "pg_database_size(d.oid)" : "NULL::bigint"));
            if (readSizes) sizesReadAtNanos = System.nanoTime();
            Builder b = new Builder();
            server(st.getResultSet(), b);
            next(st);
            connections(st.getResultSet(), b);
            next(st);
            standbys(st.getResultSet(), b);
            next(st);
            slots(st.getResultSet(), b);
            next(st);
            databases(st.getResultSet(), b);
            return b.build();
        } catch (SQLException | IOException e) {
            sql.close();
            throw new PostgresException("reading PostgreSQL's metrics failed: " + e.getMessage(), e);
        }
    }

    private static void next(Statement st) throws SQLException {
        if (!st.getMoreResults()) throw new SQLException("the metrics batch returned fewer result sets than statements");
    }

    private static void server(ResultSet rs, Builder b) throws SQLException {
        if (!rs.next()) throw new SQLException("pg_stat_bgwriter returned no row");
        b.inRecovery = rs.getBoolean(1);
        b.walBytes = rs.getLong(2);
        b.receiveLag = rs.getLong(3);
        b.replayLag = rs.getLong(4);
        b.replayLagSeconds = rs.getDouble(5);
        b.paused = rs.getBoolean(6);
        b.maxConnections = rs.getInt(7);
        b.oldestXact = rs.getDouble(8);
        b.timed = rs.getLong(9);
        b.requested = rs.getLong(10);
    }

    private static void connections(ResultSet rs, Builder b) throws SQLException {
        while (rs.next()) b.connections.merge(stateLabel(rs.getString(1)), rs.getLong(2), Long::sum);
    }

    /** "idle in transaction (aborted)" becomes "idle_in_transaction_aborted": a label value without spaces. */
    static String stateLabel(String state) {
        return state.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    private static void standbys(ResultSet rs, Builder b) throws SQLException {
        Map<String, PgMetrics.Standby> byName = new LinkedHashMap<>();
        while (rs.next()) {
            // one series per standby: a second walsender of the same name (a base backup) would repeat its labels
            byName.putIfAbsent(rs.getString(1), new PgMetrics.Standby(rs.getString(1), rs.getString(2), rs.getString(3),
                    longOrNull(rs, 4), longOrNull(rs, 5), longOrNull(rs, 6),
                    doubleOrNull(rs, 7), doubleOrNull(rs, 8), doubleOrNull(rs, 9)));
        }
        b.standbys.addAll(byName.values());
    }

    private static void slots(ResultSet rs, Builder b) throws SQLException {
        while (rs.next()) b.slots.add(new PgMetrics.Slot(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)));
    }

    private void databases(ResultSet rs, Builder b) throws SQLException {
        while (rs.next()) {
            String name = rs.getString(1);
            long size = rs.getLong(2);
            if (rs.wasNull()) size = sizes.getOrDefault(name, 0L);
            else sizes.put(name, size);
            b.databases.add(new PgMetrics.Database(name, size, rs.getLong(3), rs.getLong(4)));
        }
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Math.max(0, v);
    }

    private static Double doubleOrNull(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    @Override
    public void close() {
        sql.close();
    }

    private static final class Builder {
        boolean inRecovery;
        boolean paused;
        long walBytes;
        long receiveLag;
        long replayLag;
        double replayLagSeconds;
        int maxConnections;
        double oldestXact;
        long timed;
        long requested;
        final Map<String, Long> connections = new LinkedHashMap<>();
        final List<PgMetrics.Standby> standbys = new ArrayList<>();
        final List<PgMetrics.Slot> slots = new ArrayList<>();
        final List<PgMetrics.Database> databases = new ArrayList<>();

        PgMetrics build() {
            return new PgMetrics(inRecovery, walBytes, receiveLag, replayLag, replayLagSeconds, paused, maxConnections,
                    Map.copyOf(connections), oldestXact, timed, requested, List.copyOf(standbys), List.copyOf(slots),
                    List.copyOf(databases));
        }
    }
}
