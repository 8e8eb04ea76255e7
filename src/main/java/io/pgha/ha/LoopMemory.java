package io.pgha.ha;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.postgres.PgStatus;

/**
 * What the loop remembers between iterations: when each condition the rules time was first seen, and what the
 * last remedy achieved. Pure: each iteration derives the next memory from the last one and what it saw or did.
 *
 * @param pgDownSinceNanos        when PostgreSQL was first seen down while this node led (0: it is up)
 * @param notStreamingSinceNanos  when the standby was first seen not streaming from its leader (0: it streams)
 * @param leaderlessSinceNanos    when the lease was first seen empty (0: somebody holds it, or the store was not read)
 * @param notAnsweringSinceNanos  when the lease holder's started PostgreSQL first failed to answer in time (0: it answers)
 * @param rewindFailed            the last pg_rewind said rewinding is impossible
 * @param standbyStartFailed      the last attempt to start PostgreSQL as a standby of a leader failed
 * @param rewoundWithoutStreaming a pg_rewind ran and this standby has not streamed from its leader since: a second
 *                                rewind would fail the same way, so the next remedy is a fresh clone
 * @param reclonedWithoutStreaming this node's data was moved aside and cloned anew, and it has not streamed since: a
 *                                second re-clone would fail the same way, so it is stuck until an operator looks
 * @param cloneFailures           clones of the leader that failed in a row (0 after one succeeds)
 * @param lastCloneFailureNanos   when the latest of them failed
 * @param abdicated               this node gave the lease up because its PostgreSQL failed, and no other node has
 *                                led since: it leaves the election to the others for a while
 * @param standbyLsn              this standby's WAL position at the last look (0: not a standby of a leader); a
 *                                standby whose position moves while it does not stream is replaying from the WAL
 *                                archive, and is not counted as stalled
 */
public record LoopMemory(long pgDownSinceNanos, long notStreamingSinceNanos, long leaderlessSinceNanos,
                         long notAnsweringSinceNanos, boolean rewindFailed, boolean standbyStartFailed,
                         boolean rewoundWithoutStreaming, boolean reclonedWithoutStreaming, int cloneFailures,
                         long lastCloneFailureNanos, boolean abdicated, long standbyLsn) {
    public static final LoopMemory START = new LoopMemory(0, 0, 0, 0, false, false, false, false, 0, 0, false, 0);

    /**
     * The timers after one look: each starts the first time its condition is seen, keeps its start while the
     * condition lasts, and resets to 0 once it is not seen (a failed store read, {@code view == null}, ends
     * the leaderless timer: an election counts only what was seen).
     */
    public LoopMemory observed(String me, long session, PgStatus pg, ClusterSnapshot view, long nowNanos) {
        Lease lease = view == null ? null : view.leader();
        boolean iLead = lease != null && lease.heldBy(me, session);
        Member leader = lease == null || iLead ? null : view.members().get(lease.holder());
        boolean followingLeader = leader != null && pg.running() && pg.inRecovery();
        boolean streams = followingLeader && Decider.streamsFrom(pg, leader);
        boolean catchingUp = followingLeader && standbyLsn > 0 && pg.lsn() > standbyLsn;
        return new LoopMemory(
                since(pgDownSinceNanos, iLead && !(pg.running() && pg.accepting()), nowNanos),
                since(notStreamingSinceNanos, followingLeader && !streams && !catchingUp, nowNanos),
                since(leaderlessSinceNanos, view != null && lease == null, nowNanos),
                since(notAnsweringSinceNanos, iLead && pg.running() && pg.notAnswering(), nowNanos),
                rewindFailed,
                standbyStartFailed && !pg.running(),
                rewoundWithoutStreaming && !streams && !iLead,
                reclonedWithoutStreaming && !streams && !iLead,
                pg.hasData() ? 0 : cloneFailures,
                pg.hasData() ? 0 : lastCloneFailureNanos,
                abdicated && (lease == null || iLead),
                followingLeader ? pg.lsn() : 0);
    }

    public LoopMemory withPgDownSince(long nanos) {
        return new LoopMemory(nanos, notStreamingSinceNanos, leaderlessSinceNanos, notAnsweringSinceNanos, rewindFailed,
                standbyStartFailed, rewoundWithoutStreaming, reclonedWithoutStreaming, cloneFailures, lastCloneFailureNanos,
                abdicated, standbyLsn);
    }

    public LoopMemory withNotStreamingSince(long nanos) {
        return new LoopMemory(pgDownSinceNanos, nanos, leaderlessSinceNanos, notAnsweringSinceNanos, rewindFailed,
                standbyStartFailed, rewoundWithoutStreaming, reclonedWithoutStreaming, cloneFailures, lastCloneFailureNanos,
                abdicated, standbyLsn);
    }

    public LoopMemory withLeaderlessSince(long nanos) {
        return new LoopMemory(pgDownSinceNanos, notStreamingSinceNanos, nanos, notAnsweringSinceNanos, rewindFailed,
                standbyStartFailed, rewoundWithoutStreaming, reclonedWithoutStreaming, cloneFailures, lastCloneFailureNanos,
                abdicated, standbyLsn);
    }

    public LoopMemory withNotAnsweringSince(long nanos) {
        return new LoopMemory(pgDownSinceNanos, notStreamingSinceNanos, leaderlessSinceNanos, nanos, rewindFailed,
                standbyStartFailed, rewoundWithoutStreaming, reclonedWithoutStreaming, cloneFailures, lastCloneFailureNanos,
                abdicated, standbyLsn);
    }

    /** Switching upstream restarts the wait for the WAL receiver. */
    public LoopMemory followed() {
        return withNotStreamingSince(0);
    }

    /** After a pg_rewind: a rewind that could not be done leads to a re-clone, not to another rewind. */
    public LoopMemory rewound(boolean succeeded) {
        return new LoopMemory(pgDownSinceNanos, 0, leaderlessSinceNanos, notAnsweringSinceNanos, !succeeded, false,
                succeeded, reclonedWithoutStreaming, cloneFailures, lastCloneFailureNanos, abdicated, standbyLsn);
    }

    /** The data directory was moved aside to clone anew: what failed on it no longer matters; the clone must stream. */
    public LoopMemory movedAside() {
        return new LoopMemory(pgDownSinceNanos, notStreamingSinceNanos, leaderlessSinceNanos, notAnsweringSinceNanos,
                false, standbyStartFailed, false, true, cloneFailures, lastCloneFailureNanos, abdicated, standbyLsn);
    }

    /**
     * Starting as a standby failed; only a failure to start as a standby of a leader counts (its timeline may have
     * forked before this node's data ends), not a recovery-only start.
     */
    public LoopMemory standbyStartFailed(boolean ofALeader) {
        return new LoopMemory(pgDownSinceNanos, notStreamingSinceNanos, leaderlessSinceNanos, notAnsweringSinceNanos,
                rewindFailed, ofALeader, rewoundWithoutStreaming, reclonedWithoutStreaming, cloneFailures,
                lastCloneFailureNanos, abdicated, standbyLsn);
    }

    /** Cloning the leader failed once more. */
    public LoopMemory cloneFailed(long nowNanos) {
        return new LoopMemory(pgDownSinceNanos, notStreamingSinceNanos, leaderlessSinceNanos, notAnsweringSinceNanos,
                rewindFailed, standbyStartFailed, rewoundWithoutStreaming, reclonedWithoutStreaming, cloneFailures + 1,
                nowNanos, abdicated, standbyLsn);
    }

    /** This node gave the lease up because its PostgreSQL failed. */
    public LoopMemory abdicate() {
        return new LoopMemory(pgDownSinceNanos, notStreamingSinceNanos, leaderlessSinceNanos, notAnsweringSinceNanos,
                rewindFailed, standbyStartFailed, rewoundWithoutStreaming, reclonedWithoutStreaming, cloneFailures,
                lastCloneFailureNanos, true, standbyLsn);
    }

    private static long since(long start, boolean condition, long nowNanos) {
        return !condition ? 0 : start == 0 ? nowNanos : start;
    }
}
