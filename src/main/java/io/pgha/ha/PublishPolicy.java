package io.pgha.ha;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.dcs.StoreFormat;
import io.pgha.postgres.PgStatus;

/** When a member's fresh record is worth a write to the store (every write wakes every other agent). */
final class PublishPolicy {
    /** An unchanged record is rewritten this often, so readers can tell a live record from a stale one. */
    static final long REFRESH_MILLIS = 10_000;

    private PublishPolicy() {}

    /**
     * The record this member publishes now. Its position counts in an election (it carries the vanished lease's
     * token) only once nothing more can arrive from the old primary: no upstream configured and no WAL receiver.
     */
    static Member record(Identity me, PgStatus pg, String following, ClusterSnapshot view, boolean iLead, long nowMillis,
                         String stuck) {
        Lease lease = view.leader();
        String role = iLead && pg.isPrimary() ? Member.LEADER
                : pg.running() && pg.inRecovery() ? Member.REPLICA : Member.UNKNOWN;
        boolean cutOff = following == null && !pg.walReceiverRunning();
        long lostToken = lease == null && view.lastLeader() != null && cutOff ? view.lastLeader().token() : 0;
        return new Member(me.name(), me.host(), me.port(), me.apiUrl(), role, pg.state(), pg.timeline(), pg.lsn(),
                me.nofailover(), lostToken, pg.slots(), following, nowMillis, pg.pendingRestart(), me.priority(), stuck,
                pg.disk().full(), StoreFormat.CURRENT);
    }

    /**
     * @param published what the store holds for this member, or null
     * @param fresh     what this member would publish now
     * @param leaderHeld whether some member holds the lease
     */
    static boolean shouldPublish(Member published, Member fresh, boolean leaderHeld, long nowMillis, long loopWaitMillis) {
        if (published == null) return true;
        long age = nowMillis - published.updatedAtMillis();
        if (sameExceptTime(published, fresh)) return age >= REFRESH_MILLIS;
        // Under writes the WAL position moves on every look. Publishing each move would wake every other agent,
        // whose positions moved too: the loops would chase each other as fast as ZooKeeper commits. While a leader
        // holds the lease, a position is news once per loop_wait; without one (an election), at once.
        if (leaderHeld && sameExceptTime(published, fresh.withLsn(published.lsn()))) return age >= loopWaitMillis;
        return true;
    }

    private static boolean sameExceptTime(Member a, Member b) {
        return a.equals(b.withUpdatedAtMillis(a.updatedAtMillis()));
    }
}
