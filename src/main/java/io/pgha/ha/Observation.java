package io.pgha.ha;

import io.pgha.dcs.StoreHealth;
import io.pgha.postgres.PgStatus;

/**
 * Everything the decision needs about this node, including what the loop remembers between iterations.
 *
 * @param me           this member's name
 * @param pg           the local PostgreSQL now
 * @param following    the member the local standby is configured to stream from, or null
 * @param store        the connection to the store
 * @param nowNanos     System.nanoTime() of this observation
 * @param nowMillis    wall-clock time, for scheduled switchovers only (never for fencing)
 * @param session      this agent's current store session (a lease is ours only if it owns it)
 * @param neverPromote this node must never take the lease in an election
 * @param memory       the timers and remedy outcomes carried over from earlier iterations
 */
public record Observation(
        String me,
        PgStatus pg,
        String following,
        StoreHealth store,
        long nowNanos,
        long nowMillis,
        long session,
        boolean neverPromote,
        LoopMemory memory) {

    public Observation withFollowing(String f) {
        return new Observation(me, pg, f, store, nowNanos, nowMillis, session, neverPromote, memory);
    }

    public Observation withStore(StoreHealth h) {
        return new Observation(me, pg, following, h, nowNanos, nowMillis, session, neverPromote, memory);
    }

    public Observation withNeverPromote() {
        return new Observation(me, pg, following, store, nowNanos, nowMillis, session, true, memory);
    }

    public Observation withMemory(LoopMemory m) {
        return new Observation(me, pg, following, store, nowNanos, nowMillis, session, neverPromote, m);
    }

    long millisSince(long sinceNanos) {
        return sinceNanos == 0 ? 0 : (nowNanos - sinceNanos) / 1_000_000;
    }

    long pgDownMillis() {
        return millisSince(memory.pgDownSinceNanos());
    }

    long notStreamingMillis() {
        return millisSince(memory.notStreamingSinceNanos());
    }

    long notAnsweringMillis() {
        return millisSince(memory.notAnsweringSinceNanos());
    }

    long leaderlessMillis() {
        return millisSince(memory.leaderlessSinceNanos());
    }
}
