package io.pgha.dcs;

import static io.pgha.dcs.StoreCodec.text;

import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys exactly one member may hold: the right to bootstrap and the lease. Losing either to another member
 * is an answer (false), not a failure; the store's failures leave as typed {@link StoreException}s.
 */
final class ZookeeperLease {
    private static final Logger log = LoggerFactory.getLogger(ZookeeperLease.class);

    private final ZookeeperRequests requests;
    private final CuratorFramework client;
    private final ZookeeperPaths paths;
    private final LongSupplier sessionId;

    /** The lease as read: its holder and the node's stat (owner session, version, czxid). */
    private record Held(String holder, Stat stat) {}

    ZookeeperLease(ZookeeperRequests requests, ZookeeperPaths paths, LongSupplier sessionId) {
        this.requests = requests;
        this.client = requests.client();
        this.paths = paths;
        this.sessionId = sessionId;
    }

    boolean claimInitialize(String member) throws StoreException {
        String path = paths.initialize();
        try {
            requests.call("claim the bootstrap", path,
                    () -> client.create().creatingParentsIfNeeded().forPath(path, text(member)));
            return true;
        } catch (StoreConflictException claimedByAnother) {
            return false;
        }
    }

    void setInitialized(String systemIdentifier) throws StoreException {
        String path = paths.initialize();
        requests.call("record the cluster as initialized", path,
                () -> client.setData().forPath(path, StoreCodec.initialized(systemIdentifier)));
    }

    void abandonInitialize(String member) throws StoreException {
        String path = paths.initialize();
        byte[] claim = requests.readOrNull("read the bootstrap claim", path, () -> client.getData().forPath(path));
        if (claim != null && text(claim).equals(member)) {
            requests.call("give the bootstrap right back", path, () -> client.delete().forPath(path));
        }
    }

    boolean acquire(String member) throws StoreException {
        String path = paths.leader();
        try {
            requests.call("take the lease", path,
                    () -> client.create().withMode(CreateMode.EPHEMERAL).forPath(path, text(member)));
        } catch (StoreConflictException leaseExists) {
            if (holds(member)) return true;
            if (!dropOwnStaleLease(member)) return false;
            return acquire(member);
        }
        recordLastLeader(member);
        return true;
    }

    private void recordLastLeader(String member) throws StoreException {
        Held taken = read();
        if (taken == null) {
            throw new StoreException("took the lease but it vanished before it was recorded (" + paths.leader() + ")");
        }
        byte[] last = StoreCodec.encode(new Lease(member, taken.stat().getCzxid()));
        requests.call("record the lease just taken", paths.lastLeader(),
                () -> client.create().orSetData().forPath(paths.lastLeader(), last));
    }

    /** This member's lease left over from its previous session: delete it (only that exact version). */
    private boolean dropOwnStaleLease(String member) throws StoreException {
        Held held = read();
        if (held == null) return true;
        if (!held.holder().equals(member) || held.stat().getEphemeralOwner() == sessionId.getAsLong()) return false;
        String path = paths.leader();
        try {
            requests.call("take over this node's lease", path,
                    () -> client.delete().quietly().withVersion(held.stat().getVersion()).forPath(path));
        } catch (StoreConflictException changedMeanwhile) {
            return true;
        }
        log.info("took over this node's lease from its previous store session");
        return true;
    }

    private boolean holds(String member) throws StoreException {
        Held held = read();
        return held != null && held.holder().equals(member) && held.stat().getEphemeralOwner() == sessionId.getAsLong();
    }

    void release(String member) throws StoreException {
        String path = paths.leader();
        if (holds(member)) requests.call("release the lease", path, () -> client.delete().quietly().forPath(path));
    }

    private Held read() throws StoreException {
        Stat stat = new Stat();
        String path = paths.leader();
        byte[] data = requests.readOrNull("read the lease", path, () -> client.getData().storingStatIn(stat).forPath(path));
        return data == null ? null : new Held(text(data), stat);
    }
}
