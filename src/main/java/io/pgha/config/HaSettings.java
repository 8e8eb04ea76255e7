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

    /** The embedded store grants session timeouts in this range only; the validator keeps {@code ttl} inside it. */
    public static final Duration MIN_TTL = Duration.ofSeconds(1);
    public static final Duration MAX_TTL = Duration.ofSeconds(60);

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

    /** A store session is kept alive with a request this often: ten chances before it can expire. */
    public static Duration heartbeatFor(Duration sessionTimeout) {
        return Duration.ofMillis(Math.max(50, sessionTimeout.toMillis() / 10));
    }

    /** How often a primary's agent checks in with its watchdog: ten check-ins per ttl, well inside {@link #watchdogWait()}. */
    public Duration watchdogCheckInInterval() {
        return heartbeatFor(ttl);
    }

    /**
     * How long the agent waits for its own PostgreSQL to answer a query (whole seconds, as the driver counts them):
     * long enough for a busy server, short enough that a hung one is seen within a fraction of the lease.
     */
    public Duration postgresAnswerTimeout() {
        return Duration.ofSeconds(Math.max(1, (ttl.toMillis() / 2 + 999) / 1000));
    }

    /** A started PostgreSQL that has not answered for this long (a second query timed out too) is hung, and killed. */
    public Duration hungPostgresTimeout() {
        return postgresAnswerTimeout();
    }

    /**
     * An agent that has not checked in with its watchdog for this long is frozen for good (its store session is
     * expiring): the watchdog ends it, so its proxy and API ports refuse clients rather than hang them.
     */
    public Duration agentFrozenAfter() {
        return ttl;
    }

    /** Clones of the leader that may fail in a row before the node says it is stuck and slows down. */
    public static final int CLONE_ATTEMPTS = 3;

    /** After {@link #CLONE_ATTEMPTS} failed clones, another is tried this often (a pg_basebackup per loop fills logs). */
    public Duration cloneRetryInterval() {
        return Duration.ofSeconds(60);
    }

    /** A node that gave the lease up because its PostgreSQL failed stays out of the election this long (three leases). */
    public Duration abdicationGrace() {
        return ttl.multipliedBy(3);
    }

    /** A switchover or manual failover unfinished this long is abandoned: a clean stop plus two lease expiries. */
    public Duration switchoverTimeout() {
        return Duration.ofSeconds(30).plus(ttl.multipliedBy(2));
    }

    /** An agent whose loop has not run for this long is reported as not live (two loops, or a lease, whichever is longer). */
    public Duration agentLivenessLimit() {
        return loopWait.multipliedBy(2).compareTo(ttl) > 0 ? loopWait.multipliedBy(2) : ttl;
    }
}
