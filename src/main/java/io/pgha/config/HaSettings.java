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
     * The store expires the session (and the lease) no sooner than the session timeout after the latest
     * request it answered was sent; a primary that has not reached it since then stops this much earlier.
     */
    public Duration fenceAfterLastContact() {
        return ttl.minus(fenceMargin);
    }

    /** The agent checks in with its watchdog only while its last store contact is at most this old. */
    public Duration watchdogFreshness() {
        return ttl.dividedBy(5);
    }

    /**
     * How long the watchdog waits for the next check-in before it stops PostgreSQL: a check-in vouches for a
     * store contact at most {@link #watchdogFreshness()} old, so the stop comes no later than the agent's own
     * fencing deadline. Positive, since the validator keeps the margin at most half the ttl.
     */
    public Duration watchdogWait() {
        return fenceAfterLastContact().minus(watchdogFreshness());
    }
}
