package io.pgha.postgres;

import java.util.List;
import java.util.Map;

/**
 * One reading of the local PostgreSQL's vital signs for {@code /metrics}, taken by {@link PgMetricsReader}.
 *
 * @param walBytes            primary: its WAL write position; standby: its replay position (bytes since the
 *                            cluster's first WAL, so its rate is the WAL written or replayed per second)
 * @param receiveLagBytes     standby: the upstream's WAL end as last reported minus what this node received
 * @param replayLagBytes      standby: received but not yet replayed
 * @param replayLagSeconds    standby: age of the latest replayed transaction, 0 when all received WAL is replayed
 * @param connections         client connections by state (active, idle, idle_in_transaction, ...)
 * @param oldestXactSeconds   age of the oldest open transaction of any client, 0 when none
 */
public record PgMetrics(
        boolean inRecovery,
        long walBytes,
        long receiveLagBytes,
        long replayLagBytes,
        double replayLagSeconds,
        boolean replayPaused,
        int maxConnections,
        Map<String, Long> connections,
        double oldestXactSeconds,
        long checkpointsTimed,
        long checkpointsRequested,
        List<Standby> standbys,
        List<Slot> slots,
        List<Database> databases) {

    /** A standby streaming from this node (pg_stat_replication); lags are null while PostgreSQL has no figure. */
    public record Standby(String name, String state, String syncState, Long writeLagBytes, Long flushLagBytes,
                          Long replayLagBytes, Double writeLagSeconds, Double flushLagSeconds, Double replayLagSeconds) {}

    /** A replication slot and the WAL it keeps from being recycled. */
    public record Slot(String name, String type, boolean active, long retainedBytes) {}

    public record Database(String name, long sizeBytes, long commits, long rollbacks) {}
}
