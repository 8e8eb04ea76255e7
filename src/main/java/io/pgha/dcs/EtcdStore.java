package io.pgha.dcs;

import io.pgha.config.NodeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The store on etcd v3, through an {@link EtcdClient} (key layout: {@link EtcdKeys}). A thin adapter like the ZooKeeper one:
 * the session lease and its health, one consistent snapshot read, the lease, the other writes, each in its own
 * class; every request fails through {@link EtcdRequests} as a typed {@link StoreException}.
 */
public final class EtcdStore implements Store {
    private final EtcdClient client;
    private final EtcdSession session;
    private final EtcdSnapshotReader reader;
    private final EtcdLease lease;
    private final EtcdWriter writer;
    private final NodeConfig.Etcd etcd;

    /**
     * @param requestTimeout how long one request may wait for an answer: a fraction of the ttl for the agent (it
     *                       must see the loss and fence on it), longer for a client riding out an etcd election
     */
    EtcdStore(NodeConfig.Etcd etcd, String cluster, Duration ttl, Duration requestTimeout) throws StoreException {
        this.client = new EtcdHttpClient(etcd, requestTimeout);
        this.etcd = etcd;
        EtcdKeys keys = EtcdKeys.forCluster(cluster);
        EtcdRequests requests = new EtcdRequests(client, requestTimeout);
        this.session = new EtcdSession(requests, keys, ttl);
        this.reader = new EtcdSnapshotReader(requests, keys);
        this.lease = new EtcdLease(requests, keys, session::sessionId);
        this.writer = new EtcdWriter(requests, keys, session);
    }

    /** Takes the session lease (checking the ttl etcd grants), then renews it and watches the cluster. */
    void start() throws StoreException {
        try {
            session.start();
        } catch (StoreException e) {
            throw EtcdStartFailure.explain(e, etcd);
        }
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
    public void clearFailover() throws StoreException {
        writer.clearFailover();
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

    /** Revokes the session lease (its keys go at once, as a closed ZooKeeper session's do) and disconnects. */
    @Override
    public void close() {
        session.close();
        client.close();
    }
}
