package io.pgha.dcs;

import io.pgha.postgres.PgState;
import java.util.List;

/**
 * What one agent publishes about itself, read by every other agent and by {@code pgha list}.
 *
 * @param lsn              primary: write position; standby: the further of received and replayed
 * @param lostLeaderToken  the lease token of a leader this member has seen vanish, with {@code lsn} fresh
 *                         since then; 0 while a leader holds the lease
 * @param slots            physical slots on this member's server (a leader publishes the slots it made)
 * @param pendingRestart   a changed PostgreSQL parameter takes effect only after a restart
 * @param priority         among equally advanced candidates the higher wins
 * @param stuck            why this member's agent gave up on every remedy and waits for an operator; null when it is not
 * @param diskFull         the data or pg_wal filesystem has (all but) no room left: this member cannot be counted on to write
 * @param storeFormat      the newest {@link StoreFormat} this member's agent understands; 0 from an agent older than formats
 */
public record Member(
        String name,
        String host,
        int port,
        String apiUrl,
        String role,
        PgState state,
        long timeline,
        long lsn,
        boolean nofailover,
        long lostLeaderToken,
        List<String> slots,
        String upstream,
        long updatedAtMillis,
        boolean pendingRestart,
        int priority,
        String stuck,
        boolean diskFull,
        int storeFormat) {

    public Member(String name, String host, int port, String apiUrl, String role, PgState state, long timeline, long lsn,
                  boolean nofailover, long lostLeaderToken, List<String> slots, String upstream, long updatedAtMillis,
                  boolean pendingRestart, int priority, String stuck, boolean diskFull) {
        this(name, host, port, apiUrl, role, state, timeline, lsn, nofailover, lostLeaderToken, slots, upstream,
                updatedAtMillis, pendingRestart, priority, stuck, diskFull, StoreFormat.CURRENT);
    }

    public Member(String name, String host, int port, String apiUrl, String role, PgState state, long timeline, long lsn,
                  boolean nofailover, long lostLeaderToken, List<String> slots, String upstream, long updatedAtMillis,
                  boolean pendingRestart, int priority) {
        this(name, host, port, apiUrl, role, state, timeline, lsn, nofailover, lostLeaderToken, slots, upstream,
                updatedAtMillis, pendingRestart, priority, null, false);
    }

    public Member(String name, String host, int port, String apiUrl, String role, PgState state, long timeline, long lsn,
                  boolean nofailover, long lostLeaderToken, List<String> slots, String upstream, long updatedAtMillis,
                  boolean pendingRestart) {
        this(name, host, port, apiUrl, role, state, timeline, lsn, nofailover, lostLeaderToken, slots, upstream,
                updatedAtMillis, pendingRestart, 1);
    }

    public Member(String name, String host, int port, String apiUrl, String role, PgState state, long timeline, long lsn,
                  boolean nofailover, long lostLeaderToken, List<String> slots, String upstream, long updatedAtMillis) {
        this(name, host, port, apiUrl, role, state, timeline, lsn, nofailover, lostLeaderToken, slots, upstream,
                updatedAtMillis, false);
    }

    /** The same record with another WAL position. */
    public Member withLsn(long position) {
        return new Member(name, host, port, apiUrl, role, state, timeline, position, nofailover, lostLeaderToken, slots,
                upstream, updatedAtMillis, pendingRestart, priority, stuck, diskFull, storeFormat);
    }

    /** The same record stamped at another time. */
    public Member withUpdatedAtMillis(long at) {
        return new Member(name, host, port, apiUrl, role, state, timeline, lsn, nofailover, lostLeaderToken, slots,
                upstream, at, pendingRestart, priority, stuck, diskFull, storeFormat);
    }

    public static final String LEADER = "leader";
    public static final String REPLICA = "replica";
    public static final String UNKNOWN = "unknown";
}
