package io.pgha.routing;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.ha.Decider;
import io.pgha.ha.NodeState;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.PgStatus;

/** The rules behind the status endpoints. A null state (before the agent's first loop) is never healthy. */
final class Health {
    private Health() {}

    /** Holds the lease, is a writable primary, and can still hear the store (else it is about to fence). */
    static boolean primary(NodeState s) {
        return s != null && s.holdsLease() && pg(s).isPrimary() && s.storeConnected();
    }

    static boolean replica(NodeState s, long maxLagBytes) {
        if (s == null || s.holdsLease()) return false;
        PgStatus pg = pg(s);
        Member leader = leader(s);
        return pg.running() && pg.accepting() && pg.inRecovery() && leader != null && !leader.name().equals(s.name())
                && Decider.streamsFrom(pg, leader) && Lsn.lag(leader.lsn(), pg.lsn()) <= maxLagBytes;
    }

    /** A healthy writable primary or a replica within {@code maxLagBytes}: /read-only and /readiness. */
    static boolean readable(NodeState s, long maxLagBytes) {
        return primary(s) || replica(s, maxLagBytes);
    }

    static boolean synchronous(NodeState s) {
        return s != null && s.view() != null && s.view().sync() != null && s.view().sync().members().contains(s.name());
    }

    static boolean running(NodeState s) {
        return s != null && pg(s).running() && pg(s).accepting();
    }

    static boolean live(NodeState s, long nowMillis) {
        if (s == null || s.lastLoopAtMillis() <= 0) return false;
        long limit = settings(s).agentLivenessLimit().toMillis();
        return nowMillis - s.lastLoopAtMillis() <= limit;
    }

    /** The lease holder's published record, or null when nobody holds the lease or it has no record. */
    static Member leader(NodeState s) {
        ClusterSnapshot v = s.view();
        if (v == null || v.leader() == null) return null;
        return v.members().get(v.leader().holder());
    }

    /** The node's settings, or the defaults before its first loop. */
    static HaSettings settings(NodeState s) {
        return s == null || s.settings() == null ? HaSettings.defaults() : s.settings();
    }

    static PgStatus pg(NodeState s) {
        return s.pg() == null ? PgStatus.noData() : s.pg();
    }
}
