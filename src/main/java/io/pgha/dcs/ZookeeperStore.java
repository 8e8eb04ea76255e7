package io.pgha.dcs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.RetryPolicy;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.retry.RetryUntilElapsed;

/**
 * The store on ZooKeeper, through Curator (key layout: {@link ZookeeperPaths}). A thin adapter: the session
 * and its health, one consistent snapshot read, the lease, the other writes, each in its own class; every
 * request fails through {@link ZookeeperRequests} as a typed {@link StoreException}.
 */
public final class ZookeeperStore implements Store {
    private final ZookeeperSession session;
    private final ZookeeperSnapshotReader reader;
    private final ZookeeperLease lease;
    private final ZookeeperWriter writer;

    /**
     * The agent's store: a request that cannot reach the quorum fails after two quick retries, because the
     * agent must see the loss (and fence on it) rather than wait.
     */
    public ZookeeperStore(String connectString, String cluster, Duration sessionTimeout) {
        this(connectString, cluster, sessionTimeout, new RetryNTimes(2, 100));
    }

    /**
     * A client's store (the CLI, the demo, tests): a node going down can leave it without a connection while the
     * surviving peers elect a ZooKeeper leader; its requests wait that out, for up to {@code patience}.
     */
    public static ZookeeperStore forClient(String connectString, String cluster, Duration patience) {
        return new ZookeeperStore(connectString, cluster, Duration.ofSeconds(10),
                new RetryUntilElapsed((int) patience.toMillis(), 200));
    }

    private ZookeeperStore(String connectString, String cluster, Duration sessionTimeout, RetryPolicy retry) {
        ZookeeperPaths paths = ZookeeperPaths.forCluster(cluster);
        this.session = new ZookeeperSession(connectString, paths.root(), sessionTimeout, retry);
        ZookeeperRequests requests = new ZookeeperRequests(session.client());
        this.reader = new ZookeeperSnapshotReader(requests, paths);
        this.lease = new ZookeeperLease(requests, paths, session::sessionId);
        this.writer = new ZookeeperWriter(requests, paths);
    }

    /** Connects, waiting at most {@code wait} for the ensemble to answer. */
    public void start(Duration wait) throws StoreException {
        session.connect(wait);
        writer.prepare();
        session.watch();
    }

    /** Fails unless the session the ensemble granted lasts exactly {@code ttl}. */
    void requireGrantedTimeout(Duration ttl) throws StoreException {
        session.requireGrantedTimeout(ttl);
    }

    @Override
    public void onChange(Runnable listener) {
        session.onChange(listener);
    }

    @Override
    public StoreHealth health() {
        return session.health();
    }

    @Override
    public long sessionId() {
        return session.sessionId();
    }

    @Override
    public ClusterSnapshot snapshot() throws StoreException {
        return reader.read();
    }

    @Override
    public boolean claimInitialize(String member) throws StoreException {
        return lease.claimInitialize(member);
    }

    @Override
    public void setInitialized(String systemIdentifier) throws StoreException {
        lease.setInitialized(systemIdentifier);
    }

    @Override
    public void writeFormat(StoreFormat format) throws StoreException {
        writer.writeFormat(format);
    }

    @Override
    public void abandonInitialize(String member) throws StoreException {
        lease.abandonInitialize(member);
    }

    @Override
    public boolean acquireLease(String member) throws StoreException {
        return lease.acquire(member);
    }

    @Override
    public void releaseLease(String member) throws StoreException {
        lease.release(member);
    }

    @Override
    public void publish(Member member) throws StoreException {
        writer.publish(member);
    }

    @Override
    public void writeSync(SyncState sync) throws StoreException {
        writer.writeSync(sync);
    }

    @Override
    public void removeMember(String name) throws StoreException {
        writer.removeMember(name);
    }

    @Override
    public void writeSwitchover(Switchover switchover) throws StoreException {
        writer.writeSwitchover(switchover);
    }

    @Override
    public void clearSwitchover() throws StoreException {
        writer.clearSwitchover();
    }

    @Override
    public void writeFailover(FailoverRequest request) throws StoreException {
        writer.writeFailover(request);
    }

    @Override
    public void requestRestore(RestoreRequest request, boolean forgetCluster) throws StoreException {
        writer.requestRestore(request, forgetCluster);
    }

    @Override
    public void clearRestore() throws StoreException {
        writer.clearRestore();
    }

    @Override
    public void clearFailover() throws StoreException {
        writer.clearFailover();
    }

    @Override
    public void requestReinit(String name, boolean requested) throws StoreException {
        writer.requestReinit(name, requested);
    }

    @Override
    public void requestRestart(String name, boolean requested) throws StoreException {
        writer.requestRestart(name, requested);
    }

    @Override
    public void writeParameters(Map<String, String> parameters) throws StoreException {
        writer.writeParameters(parameters);
    }

    @Override
    public void setPaused(boolean paused) throws StoreException {
        writer.setPaused(paused);
    }

    @Override
    public void addHistory(HistoryEntry entry) throws StoreException {
        writer.addHistory(entry);
    }

    @Override
    public List<HistoryEntry> history() throws StoreException {
        return writer.history();
    }

    @Override
    public void close() {
        session.close();
    }
}
