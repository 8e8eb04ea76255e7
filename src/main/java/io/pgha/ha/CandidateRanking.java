package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.dcs.SyncState;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.PgState;
import java.util.List;
import java.util.Set;

/**
 * Who takes the lease when nobody holds it: the healthy standby with the most WAL, within
 * {@code maximum_lag_on_failover} of the last primary, not tagged nofailover; ties go to the lower name.
 * A candidate waits (at most {@code failover_wait}) until every live peer has reported its position
 * after the lease vanished, so it never wins on a peer's stale report.
 */
final class CandidateRanking {
    private static final Set<PgState> STANDBY_STATES = Set.of(PgState.STREAMING, PgState.ARCHIVE_RECOVERY);

    private CandidateRanking() {}

    static Decision decide(Observation o, ClusterSnapshot c, HaSettings s) {
        if (o.neverPromote()) return new Decision.Wait("no leader, and this node may never be promoted (nofailover, or priority 0)");
        if (s.synchronous() && c.sync() != null && !c.sync().members().isEmpty()) return quorum(o, c, c.sync());
        Lease last = c.lastLeader();
        long myLsn = o.pg().lsn();
        if (last != null) {
            Member lastLeader = c.members().get(last.holder());
            if (lastLeader != null && !lastLeader.name().equals(o.me())) {
                long lag = Lsn.lag(lastLeader.lsn(), myLsn);
                if (lag > s.maximumLagOnFailover())
                    return new Decision.Wait("no leader, but this node is " + lag + " bytes behind the last primary "
                            + lastLeader.name() + " (maximum_lag_on_failover " + s.maximumLagOnFailover() + ")");
            }
        }
        long token = last == null ? 0 : last.token();
        boolean waitedEnough = o.leaderlessMillis() >= s.failoverWait().toMillis();
        for (Member peer : c.members().values()) {
            if (peer.name().equals(o.me()) || !c.isAlive(peer.name()) || peer.nofailover()) continue;
            if (last != null && peer.name().equals(last.holder())) continue;
            if (peer.lostLeaderToken() != token) {
                if (!waitedEnough) return new Decision.Wait("waiting for " + peer.name() + " to report its WAL position");
                continue;
            }
            if (!STANDBY_STATES.contains(peer.state()) || peer.priority() == 0) continue;
            if (better(peer, myLsn, c, o.me()))
                return new Decision.Wait(peer.name() + " is a better candidate (" + Lsn.format(peer.lsn())
                        + " against this node's " + Lsn.format(myLsn) + ")");
        }
        return new Decision.AcquireLease("no leader, and this node is the most advanced healthy standby at "
                + Lsn.format(myLsn));
    }

    /** More WAL wins; at equal WAL the higher priority tag, then the lower name. */
    private static boolean better(Member peer, long myLsn, ClusterSnapshot c, String me) {
        int cmp = Long.compareUnsigned(peer.lsn(), myLsn);
        if (cmp != 0) return cmp > 0;
        Member mine = c.members().get(me);
        int myPriority = mine == null ? 1 : mine.priority();
        int peerPriority = peer.nofailover() ? 0 : peer.priority();
        if (peerPriority != myPriority) return peerPriority > myPriority;
        return peer.name().compareTo(me) < 0;
    }

    /**
     * Invariant 3: commits were acknowledged by k members of the recorded set S, so any |S|-k+1 of them
     * include one that has every acknowledged commit. Promote the most advanced of at least that many,
     * all reporting after the lease vanished; never anyone outside S, and never on a timeout.
     */
    private static Decision quorum(Observation o, ClusterSnapshot c, SyncState sync) {
        List<String> set = sync.members();
        if (!set.contains(o.me()))
            return new Decision.Wait("not in the synchronous set " + set + ": promoting this node could lose acknowledged commits");
        long token = c.lastLeader() == null ? 0 : c.lastLeader().token();
        int needed = set.size() - Math.max(1, sync.quorum()) + 1;
        long myLsn = o.pg().lsn();
        int reported = 1;
        String better = null;
        for (String name : set) {
            if (name.equals(o.me())) continue;
            Member peer = c.members().get(name);
            if (peer == null || !c.isAlive(name) || peer.lostLeaderToken() != token || !STANDBY_STATES.contains(peer.state()))
                continue;
            reported++;
            // a member that may not be promoted still counts when it has more WAL: promoting past it could lose commits
            if (better(peer, myLsn, c, o.me()))
                better = peer.name() + " (" + Lsn.format(peer.lsn()) + ")";
        }
        if (reported < needed)
            return new Decision.Wait("waiting until " + needed + " members of the synchronous set " + set
                    + " report their WAL position (" + reported + " have)");
        if (better != null) return new Decision.Wait(better + " is a better candidate than this node at " + Lsn.format(myLsn));
        return new Decision.AcquireLease("no leader; this node is in the synchronous set and the most advanced of "
                + reported + " reporting members at " + Lsn.format(myLsn));
    }
}
