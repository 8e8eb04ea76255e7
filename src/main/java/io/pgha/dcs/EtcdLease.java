package io.pgha.dcs;

import static io.pgha.dcs.StoreCodec.text;

import io.pgha.dcs.EtcdClient.Compare;
import io.pgha.dcs.EtcdClient.Kv;
import io.pgha.dcs.EtcdClient.Op;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys exactly one member may hold, each written by a compare-and-swap transaction: the right to bootstrap
 * (created only if absent) and the lease (the leader key, created only if absent, on the holder's session lease).
 */
final class EtcdLease {
    private static final Logger log = LoggerFactory.getLogger(EtcdLease.class);

    private final EtcdRequests requests;
    private final EtcdKeys keys;
    private final LongSupplier sessionLease;

    EtcdLease(EtcdRequests requests, EtcdKeys keys, LongSupplier sessionLease) {
        this.requests = requests;
        this.keys = keys;
        this.sessionLease = sessionLease;
    }

    boolean claimInitialize(String member) throws StoreException {
        String key = keys.initialize();
        return requests.txn("claim the bootstrap", key, List.of(Compare.absent(key)),
                List.of(new Op.Put(key, text(member), 0))).succeeded();
    }

    void setInitialized(String systemIdentifier) throws StoreException {
        String key = keys.initialize();
        boolean claimed = requests.txn("record the cluster as initialized", key, List.of(Compare.present(key)),
                List.of(new Op.Put(key, StoreCodec.initialized(systemIdentifier), 0))).succeeded();
        if (!claimed) throw new StoreException(EtcdRequests.what("record the cluster as initialized", key)
                + "the bootstrap claim is gone");
    }

    void abandonInitialize(String member) throws StoreException {
        String key = keys.initialize();
        requests.txn("give the bootstrap right back", key, List.of(Compare.valueIs(key, text(member))),
                List.of(new Op.Delete(key)));
    }

    boolean acquire(String member) throws StoreException {
        long session = session();
        String key = keys.leader();
        var answer = requests.txn("take the lease", key, List.of(Compare.absent(key)),
                List.of(new Op.Put(key, text(member), session)), new Op.Get(key));
        if (answer.succeeded()) {
            recordLastLeader(member, answer.revision());
            return true;
        }
        Kv held = answer.ranges().getFirst().first();
        if (held == null) return acquire(member);
        if (!text(held.value()).equals(member)) return false;
        if (held.lease() == session) return true;
        takeOverOwnStaleLease(held);
        return acquire(member);
    }

    /** The leader key was created in that transaction, so its create revision (the fencing token) is the transaction's. */
    private void recordLastLeader(String member, long token) throws StoreException {
        String last = keys.lastLeader();
        byte[] lease = StoreCodec.encode(new Lease(member, token));
        requests.call("record the lease just taken", last, () -> requests.client().put(last, lease));
    }

    /** This member's lease left over from its previous session: delete it (only that exact revision). */
    private void takeOverOwnStaleLease(Kv held) throws StoreException {
        boolean dropped = requests.txn("take over this node's lease", held.key(), List.of(Compare.unchangedSince(held)),
                List.of(new Op.Delete(held.key()))).succeeded();
        if (dropped) log.info("took over this node's lease from its previous store session");
    }

    void release(String member) throws StoreException {
        String key = keys.leader();
        Kv held = requests.get("read the lease", key);
        if (held == null || !text(held.value()).equals(member) || held.lease() != session()) return;
        requests.txn("release the lease", key, List.of(Compare.unchangedSince(held)), List.of(new Op.Delete(key)));
    }

    private long session() throws StoreUnavailableException {
        long session = sessionLease.getAsLong();
        if (session == EtcdSession.NO_LEASE)
            throw new StoreUnavailableException("cannot take the lease: this agent has no etcd session lease now");
        return session;
    }
}
