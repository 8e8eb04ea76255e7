package io.pgha.dcs;

import static io.pgha.dcs.StoreCodec.text;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys exactly one member may hold, each written by a compare-and-swap transaction: the right to bootstrap
 * (created only if absent) and the lease (the leader key, created only if absent, on the holder's session lease).
 */
final class EtcdLease {
    private static final Logger log = LoggerFactory.getLogger(EtcdLease.class);
    private static final Op[] NOTHING = {};

    private final EtcdRequests requests;
    private final EtcdKeys keys;
    private final LongSupplier sessionLease;

    EtcdLease(EtcdRequests requests, EtcdKeys keys, LongSupplier sessionLease) {
        this.requests = requests;
        this.keys = keys;
        this.sessionLease = sessionLease;
    }

    static Cmp absent(ByteSequence key) {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
    }

    static Cmp unchangedSince(KeyValue read) {
        return new Cmp(read.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(read.getModRevision()));
    }

    boolean claimInitialize(String member) throws StoreException {
        ByteSequence key = keys.initialize();
        return requests.txn("claim the bootstrap", key, new Cmp[] {absent(key)},
                new Op[] {Op.put(key, bytes(text(member)), PutOption.DEFAULT)}).isSucceeded();
    }

    void setInitialized(String systemIdentifier) throws StoreException {
        ByteSequence key = keys.initialize();
        boolean claimed = requests.txn("record the cluster as initialized", key,
                new Cmp[] {new Cmp(key, Cmp.Op.GREATER, CmpTarget.createRevision(0))},
                new Op[] {Op.put(key, bytes(StoreCodec.initialized(systemIdentifier)), PutOption.DEFAULT)}).isSucceeded();
        if (!claimed) throw new StoreException(EtcdRequests.what("record the cluster as initialized", key)
                + "the bootstrap claim is gone");
    }

    void abandonInitialize(String member) throws StoreException {
        ByteSequence key = keys.initialize();
        requests.txn("give the bootstrap right back", key,
                new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(bytes(text(member))))},
                new Op[] {Op.delete(key, DeleteOption.DEFAULT)});
    }

    boolean acquire(String member) throws StoreException {
        long session = session();
        ByteSequence key = keys.leader();
        var answer = requests.txn("take the lease", key, new Cmp[] {absent(key)},
                new Op[] {Op.put(key, bytes(text(member)), PutOption.builder().withLeaseId(session).build())},
                Op.get(key, GetOption.DEFAULT));
        if (answer.isSucceeded()) {
            recordLastLeader(member, answer.getHeader().getRevision());
            return true;
        }
        KeyValue held = first(answer.getGetResponses().get(0));
        if (held == null) return acquire(member);
        if (!text(held.getValue().getBytes()).equals(member)) return false;
        if (held.getLease() == session) return true;
        takeOverOwnStaleLease(held);
        return acquire(member);
    }

    /** The leader key was created in that transaction, so its create revision (the fencing token) is the transaction's. */
    private void recordLastLeader(String member, long token) throws StoreException {
        ByteSequence last = keys.lastLeader();
        byte[] lease = StoreCodec.encode(new Lease(member, token));
        requests.call("record the lease just taken", last, () -> requests.client().getKVClient().put(last, bytes(lease)));
    }

    /** This member's lease left over from its previous session: delete it (only that exact revision). */
    private void takeOverOwnStaleLease(KeyValue held) throws StoreException {
        boolean dropped = requests.txn("take over this node's lease", held.getKey(), new Cmp[] {unchangedSince(held)},
                new Op[] {Op.delete(held.getKey(), DeleteOption.DEFAULT)}).isSucceeded();
        if (dropped) log.info("took over this node's lease from its previous store session");
    }

    void release(String member) throws StoreException {
        ByteSequence key = keys.leader();
        KeyValue held = first(requests.call("read the lease", key, () -> requests.client().getKVClient().get(key)));
        if (held == null || !text(held.getValue().getBytes()).equals(member) || held.getLease() != session()) return;
        requests.txn("release the lease", key, new Cmp[] {unchangedSince(held)}, new Op[] {Op.delete(key, DeleteOption.DEFAULT)},
                NOTHING);
    }

    private long session() throws StoreUnavailableException {
        long session = sessionLease.getAsLong();
        if (session == EtcdSession.NO_LEASE)
            throw new StoreUnavailableException("cannot take the lease: this agent has no etcd session lease now");
        return session;
    }

    static KeyValue first(GetResponse response) {
        return response.getKvs().isEmpty() ? null : response.getKvs().get(0);
    }

    static ByteSequence bytes(byte[] data) {
        return ByteSequence.from(data);
    }
}
