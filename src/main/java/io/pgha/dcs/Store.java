package io.pgha.dcs;

/** The consensus store as the HA loop needs it: one small interface, one thin adapter per backend. */
public interface Store extends AutoCloseable {
    ClusterSnapshot snapshot() throws StoreException;

    /** True for exactly one caller in the cluster's lifetime (until {@link #abandonInitialize}). */
    boolean claimInitialize(String member) throws StoreException;

    void setInitialized(String systemIdentifier) throws StoreException;

    /** Records the layout of the cluster's keys and the pgha that wrote it (read back as {@link ClusterSnapshot#format()}). */
    void writeFormat(StoreFormat format) throws StoreException;

    /** Gives the bootstrap right back after a failed bootstrap, so another member can try. */
    void abandonInitialize(String member) throws StoreException;

    /** Takes the lease if nobody holds it; true when this member holds it afterwards. */
    boolean acquireLease(String member) throws StoreException;

    void releaseLease(String member) throws StoreException;

    void publish(Member member) throws StoreException;

    /** Records the synchronous set; only the lease holder writes it. */
    void writeSync(SyncState sync) throws StoreException;

    void removeMember(String name) throws StoreException;

    /** Writes (or replaces) the planned switchover. */
    void writeSwitchover(Switchover switchover) throws StoreException;

    void clearSwitchover() throws StoreException;

    void writeFailover(FailoverRequest request) throws StoreException;

    void clearFailover() throws StoreException;

    /**
     * Orders a restore from the backup repository; {@code forgetCluster} also clears the cluster's initialization
     * (a running cluster: every member moves its data aside, then one restores and the others clone it).
     */
    void requestRestore(RestoreRequest request, boolean forgetCluster) throws StoreException;

    /** The restore is done (the restored member recorded the cluster as initialized again). */
    void clearRestore() throws StoreException;

    /** Asks member {@code name} to move its data aside and clone the leader anew (false clears it). */
    void requestReinit(String name, boolean requested) throws StoreException;

    /** Asks member {@code name} to restart its PostgreSQL (false clears it). */
    void requestRestart(String name, boolean requested) throws StoreException;

    /** The cluster-wide PostgreSQL parameters (pgha edit-config). */
    void writeParameters(java.util.Map<String, String> parameters) throws StoreException;

    /** Maintenance mode on or off for the whole cluster. */
    void setPaused(boolean paused) throws StoreException;

    /** Appends one promotion to the cluster's history. */
    void addHistory(HistoryEntry entry) throws StoreException;

    java.util.List<HistoryEntry> history() throws StoreException;

    StoreHealth health();

    /** The current store session; a lease is this agent's only if this session owns it. */
    long sessionId();

    /** Called (on a store thread) on any change in the cluster's keys or the connection. */
    void onChange(Runnable listener);

    @Override
    void close();
}
