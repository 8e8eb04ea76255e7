package io.pgha.config;

import java.time.Duration;

/**
 * Timing and safety settings of the HA loop.
 *
 * @param ttl                    store session timeout: the leader's lease vanishes this long after its
 *                               agent was last heard from
 * @param loopWait               fallback interval of the HA loop (events wake it sooner)
 * @param fenceMargin            time reserved to stop PostgreSQL before the lease can expire
 * @param postgresRestartTimeout how long a primary's agent tries to restart a crashed PostgreSQL in
 *                               place before it gives the lease up
 * @param maximumLagOnFailover   a standby further behind the last known primary position is not promoted
 * @param standbyStreamTimeout   a standby not streaming from the leader for this long is rewound
 * @param failoverWait           how long a candidate waits for its peers to publish their positions
 *                               (asynchronous mode only: synchronous mode waits for the quorum)
 * @param synchronous            quorum commit: a commit is acknowledged once {@code synchronousNodeCount}
 *                               standbys of the recorded synchronous set have it
 * @param synchronousNodeCount   k in {@code ANY k (...)}
 * @param synchronousStrict      with no healthy standby, writes wait instead of going on unprotected
 */
public record HaSettings(
        Duration ttl,
        Duration loopWait,
        Duration fenceMargin,
        Duration postgresRestartTimeout,
        long maximumLagOnFailover,
        Duration standbyStreamTimeout,
        Duration failoverWait,
        boolean synchronous,
        int synchronousNodeCount,
        boolean synchronousStrict) {

    public static HaSettings defaults() {
        return new HaSettings(Duration.ofMillis(3000), Duration.ofMillis(1000), Duration.ofMillis(400),
                Duration.ofSeconds(10), 1024L * 1024, Duration.ofSeconds(15), Duration.ofMillis(1000),
                true, 1, false);
    }

    public HaSettings withSynchronous(boolean on, boolean strict) {
        return new HaSettings(ttl, loopWait, fenceMargin, postgresRestartTimeout, maximumLagOnFailover,
                standbyStreamTimeout, failoverWait, on, synchronousNodeCount, strict);
    }

    /**
     * A ZooKeeper client declares its connection lost after two thirds of the session timeout without
     * an answer; the server expires the session at the full timeout. What is left is the fencing budget.
     */
    public Duration fencingBudget() {
        return ttl.minus(ttl.multipliedBy(2).dividedBy(3));
    }

    /** Time after losing the store connection at which a primary must stop accepting writes. */
    public Duration fenceAfterSuspension() {
        return fencingBudget().minus(fenceMargin);
    }
}
