package io.pgha.postgres;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/** The local PostgreSQL server, as the HA loop drives it. */
public interface Postgres {
    PgStatus observe();

    /** initdb, managed configuration, start as primary, create the replication role. */
    void bootstrap() throws PostgresException;

    /** Bootstraps from the backup repository instead: restore, replay to the target, promote there. */
    void restoreFromBackup(RestoreTarget target) throws PostgresException;

    void startPrimary() throws PostgresException;

    void startStandby(Upstream upstream) throws PostgresException;

    /** A running standby streams from {@code upstream} from now on, or from nobody when null (reload, no restart). */
    void follow(Upstream upstream) throws PostgresException;

    void promote() throws PostgresException;

    /** Stops PostgreSQL; {@code immediate} is the fencing stop (no checkpoint, no waiting for clients). */
    void stop(boolean immediate) throws PostgresException;

    /** The fencing stop: immediate, and never waits for another operation on this server. */
    void stopNow() throws PostgresException;

    /** The data directory is set to start as a standby (standby.signal); a file check, no SQL. */
    boolean isStandbyConfigured();

    /** pg_rewind against {@code upstream}; false when rewinding is impossible and a fresh clone is needed. */
    boolean rewind(Upstream upstream) throws PostgresException;

    void cloneFrom(Upstream upstream) throws PostgresException;

    /** Renames the data directory aside (never deletes it) and returns where it went. */
    Path moveDataAside() throws PostgresException;

    /** Primary: one physical slot per member, slots of removed members dropped, pg_hba for members' addresses. */
    void reconcileMembers(Map<String, String> memberAddresses) throws PostgresException;

    /** The running postmaster's pid (for the watchdog), empty when none runs. */
    OptionalLong postmasterPid();

    /**
     * Runs {@code onExit} once the running postmaster exits (within ~100 ms). Idempotent: call it every loop
     * iteration; it starts watching only a postmaster it does not watch yet.
     */
    void watchPostmaster(Runnable onExit);

    String systemIdentifier() throws PostgresException;

    /** Where the WAL of a cleanly stopped server ends: its last checkpoint's location (pg_controldata). */
    long checkpointLocation() throws PostgresException;

    /** Marks a stopped former primary to start as a standby next time (standby.signal). */
    void markStandby() throws PostgresException;

    /**
     * SIGKILL to the postmaster and every process it started, which reaches even stopped (SIGSTOP, hung) processes
     * that pg_ctl cannot stop; returns once none is left, or throws when some survive.
     */
    void kill() throws PostgresException;

    /** PostgreSQL re-reads its configuration files (pg_reload_conf()); an operator's reload. */
    void reload() throws PostgresException;

    /** Sets the cluster-wide parameters (ALTER SYSTEM, reload) and resets those no longer wanted. */
    void applyParameters(java.util.Map<String, String> wanted, java.util.Set<String> previous) throws PostgresException;

    /** Primary: sets synchronous_standby_names (persisted, reloaded; no restart). */
    void setSynchronousStandbys(SyncNames names) throws PostgresException;

    /** Primary: one small WAL record when the insert position is past the flushed WAL; true when one was written. */
    boolean nudgeWal() throws PostgresException;

    /** The member the local standby is configured to stream from (null: none, or not known since start). */
    String following();
}
