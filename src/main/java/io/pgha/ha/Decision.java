package io.pgha.ha;

import io.pgha.postgres.Upstream;

/** The one action an HA loop iteration takes, with the reason in plain words. */
public sealed interface Decision {
    String reason();

    /** Win the right to initdb, bootstrap the primary and take the lease. */
    record Bootstrap(String reason) implements Decision {}

    /** Copy the leader with pg_basebackup into an empty data directory and start as its standby. */
    record Clone(Upstream leader, String reason) implements Decision {}

    record AcquireLease(String reason) implements Decision {}

    /** Promote the local standby; only ever decided while this node holds the lease. */
    record Promote(String reason) implements Decision {}

    /** Healthy primary holding the lease: keep slots and pg_hba in line with the members. */
    record Lead(String reason) implements Decision {}

    /** Start PostgreSQL as primary in place (after a crash) while holding the lease. */
    record StartPrimary(String reason) implements Decision {}

    record ReleaseLease(String reason) implements Decision {}

    /**
     * The lease holder's PostgreSQL cannot serve: it took connections and never answered (a hung disk, SIGSTOP), or
     * its disk is full while a standby has room. SIGKILL every process of it first, then give the lease up, so that at
     * no instant a primary lives on without the lease.
     */
    record KillAndRelease(String reason) implements Decision {}

    /** Restart PostgreSQL in its current role (an operator's order, e.g. for a restart-only parameter). */
    record Restart(Upstream leader, String reason) implements Decision {}

    /** Stop PostgreSQL at once: it must not accept writes (lease lost, or another node leads). */
    record Fence(String reason) implements Decision {}

    /** Start PostgreSQL as a standby of {@code leader} (null: no upstream yet, recovery only). */
    record StartStandby(Upstream leader, String reason) implements Decision {}

    /** A running standby switches its upstream to the new leader (reload, no restart). */
    record Follow(Upstream leader, String reason) implements Decision {}

    /** Stop streaming from (and so acknowledging commits of) a primary that no longer holds the lease. */
    record Detach(String reason) implements Decision {}

    /** pg_rewind against the leader, then start as its standby. */
    record Rewind(Upstream leader, String reason) implements Decision {}

    /** Move the data directory aside and clone the leader anew. */
    record Reinit(Upstream leader, String reason) implements Decision {}

    /** A restore from the backup repository was ordered: stop, move the data aside (and give up the lease). */
    record MoveAsideForRestore(String reason) implements Decision {}

    /** The leader clears a switchover request that did not happen in time, and goes on leading. */
    record AbandonSwitchover(String reason) implements Decision {}

    /** Planned switchover: stop cleanly, record where the WAL ends, mark as standby, release the lease. */
    record HandOver(String candidate, String reason) implements Decision {}

    record Wait(String reason) implements Decision {}

    /**
     * The store was written by a newer pgha in a layout this one does not understand: change nothing, in PostgreSQL
     * or in the store, until this node runs that version; {@code pgha list} and the API report the reason.
     */
    record IncompatibleStore(String reason) implements Decision {}

    /**
     * Every remedy was tried and failed (rewound, then cloned anew, and still not streaming): nothing is repeated;
     * the node waits for an operator, and {@code pgha list}, {@code /metrics} and the API say so.
     */
    record Stuck(String reason) implements Decision {}
}
