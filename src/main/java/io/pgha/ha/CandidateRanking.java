package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.postgres.Lsn;
import java.util.Set;

/**
 * Who takes the lease when nobody holds it: the healthy standby with the most WAL, within
 * {@code maximum_lag_on_failover} of the last primary, not tagged nofailover; ties go to the lower name.
 * A candidate waits (at most {@code failover_wait}) until every live peer has reported its position
 * after the lease vanished, so it never wins on a peer's stale report.
 */
final class CandidateRanking {
    private static final Set<String> STANDBY_STATES = Set.of("streaming", "in archive recovery");

    private CandidateRanking() {}

    static Decision decide(Observation o, ClusterSnapshot c, HaSettings s) {
        if (o.nofailover()) return new Decision.Wait("no leader, and this node is tagged nofailover");
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
        boolean waitedEnough = o.millisSince(o.leaderlessSinceNanos()) >= s.failoverWait().toMillis();
        for (Member peer : c.members().values()) {
            if (peer.name().equals(o.me()) || !c.isAlive(peer.name()) || peer.nofailover()) continue;
            if (last != null && peer.name().equals(last.holder())) continue;
            if (peer.lostLeaderToken() != token) {
                if (!waitedEnough) return new Decision.Wait("waiting for " + peer.name() + " to report its WAL position");
                continue;
            }
            if (!STANDBY_STATES.contains(peer.state())) continue;
            int cmp = Long.compareUnsigned(peer.lsn(), myLsn);
            if (cmp > 0 || (cmp == 0 && peer.name().compareTo(o.me()) < 0))
                return new Decision.Wait(peer.name() + " is a better candidate (" + Lsn.format(peer.lsn())
                        + " against this node's " + Lsn.format(myLsn) + ")");
        }
        return new Decision.AcquireLease("no leader, and this node is the most advanced healthy standby at "
                + Lsn.format(myLsn));
    }
}
