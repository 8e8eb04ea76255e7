package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

/** Reads {@code pg_stat_archiver} over its own connection (never the HA loop's), with a short timeout. */
public final class ArchiverReader implements AutoCloseable {
    /** The archiver's counters; times null when it never archived (or never failed). */
    public record Stats(long archivedCount, long failedCount, Instant lastArchived, Instant lastFailed, String lastFailedWal) {
        /** The latest attempt failed: a failure newer than the latest success. */
        public boolean failing() {
            return lastFailed != null && (lastArchived == null || lastFailed.isAfter(lastArchived));
        }
    }

    private final SqlSession sql;

    public ArchiverReader(NodeConfig config) {
        this.sql = new SqlSession(config.postgres(), 5);
    }

    public synchronized Stats read() throws IOException {
        try (Statement st = sql.get().createStatement(); ResultSet rs = st.executeQuery("SELECT archived_count,"
                + " failed_count, last_archived_time, last_failed_time, last_failed_wal FROM pg_stat_archiver")) {
            rs.next();
            return new Stats(rs.getLong(1), rs.getLong(2), instant(rs.getTimestamp(3)), instant(rs.getTimestamp(4)), rs.getString(5));
        } catch (SQLException e) {
            sql.close();
            throw new IOException("cannot read pg_stat_archiver: " + e.getMessage(), e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @Override
    public synchronized void close() {
        sql.close();
    }
}
