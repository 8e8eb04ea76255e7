package io.pgha.ha;

import io.pgha.dcs.StoreHealth;
import io.pgha.postgres.PgStatus;

/**
 * Everything the decision needs about this node, including what the loop remembers between iterations.
 *
 * @param me                  this member's name
 * @param pg                  the local PostgreSQL now
 * @param following           the member the local standby is configured to stream from, or null
 * @param store               the connection to the store
 * @param nowNanos            System.nanoTime() of this observation
 * @param pgDownSinceNanos    when PostgreSQL was first seen down while this node led (0: it is up)
 * @param notStreamingSinceNanos when the standby was first seen not streaming from its leader (0: it streams)
 * @param leaderlessSinceNanos when the lease was first seen empty (0: somebody holds it)
 * @param rewindFailed        the last pg_rewind said rewinding is impossible
 * @param nofailover          this node must never be promoted
 * @param nowMillis           wall-clock time, for scheduled switchovers only (never for fencing)
 * @param session             this agent's current store session (a lease is ours only if it owns it)
 * @param standbyStartFailed  the last attempt to start PostgreSQL as a standby failed
 */
public record Observation(
        String me,
        PgStatus pg,
        String following,
        StoreHealth store,
        long nowNanos,
        long pgDownSinceNanos,
        long notStreamingSinceNanos,
        long leaderlessSinceNanos,
        boolean rewindFailed,
        boolean nofailover,
        long nowMillis,
        long session,
        boolean standbyStartFailed) {

    long millisSince(long sinceNanos) {
        return sinceNanos == 0 ? 0 : (nowNanos - sinceNanos) / 1_000_000;
    }
}
