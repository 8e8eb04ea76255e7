package io.pgha.dcs;

import static io.pgha.dcs.StoreCodec.encode;

import io.pgha.dcs.EtcdClient.Compare;
import io.pgha.dcs.EtcdClient.Kv;
import io.pgha.dcs.EtcdClient.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every write but the lease's: member records, requests, settings, and the history they append to. */
final class EtcdWriter {
    /** Only the leader appends, so a conflict means a leader change in between: a few retries are plenty. */
    private static final int HISTORY_ATTEMPTS = 5;
    private static final byte[] EMPTY = {};

    private final EtcdRequests requests;
    private final EtcdKeys keys;
    private final EtcdSession session;

    EtcdWriter(EtcdRequests requests, EtcdKeys keys, EtcdSession session) {
        this.requests = requests;
        this.keys = keys;
        this.session = session;
    }

    /** The record and the alive key in one transaction: one watch event, one revision. */
    void publish(Member member) throws StoreException {
        long lease = session.sessionId();
        if (lease == EtcdSession.NO_LEASE)
            throw new StoreUnavailableException("cannot publish the state of " + member.name()
                    + ": this agent has no etcd session lease now");
        String alive = keys.alive(member.name());
        session.attach(alive, EMPTY);
        requests.txn("publish the state of " + member.name(), keys.member(member.name()), List.of(), List.of(
                new Op.Put(keys.member(member.name()), encode(member), 0), new Op.Put(alive, EMPTY, lease)));
    }

    void writeFormat(StoreFormat format) throws StoreException {
        put("record the store format", keys.format(), encode(format));
    }

    void removeMember(String name) throws StoreException {
        delete("remove member " + name, keys.member(name));
    }

    void writeSync(SyncState sync) throws StoreException {
        put("record the synchronous set", keys.sync(), encode(sync));
    }

    void writeSwitchover(Switchover switchover) throws StoreException {
        put("record the switchover", keys.switchover(), encode(switchover));
    }

    void clearSwitchover() throws StoreException {
        delete("clear the switchover", keys.switchover());
    }

    void writeFailover(FailoverRequest request) throws StoreException {
        put("record the failover", keys.failover(), encode(request));
    }

    void clearFailover() throws StoreException {
        delete("clear the failover", keys.failover());
    }

    /** The order and, with {@code forgetCluster}, the forgotten initialization, in one transaction. */
    void requestRestore(RestoreRequest request, boolean forgetCluster) throws StoreException {
        List<Op> ops = new ArrayList<>(List.of(new Op.Put(keys.restore(), encode(request), 0)));
        if (forgetCluster) {
            for (String key : List.of(keys.sync(), keys.switchover(), keys.failover(), keys.initialize()))
                ops.add(new Op.Delete(key));
        }
        requests.txn("record the restore", keys.restore(), List.of(), ops);
    }

    void clearRestore() throws StoreException {
        delete("clear the restore", keys.restore());
    }

    void requestReinit(String name, boolean requested) throws StoreException {
        flag("the reinit of " + name, keys.reinit(name), requested);
    }

    void requestRestart(String name, boolean requested) throws StoreException {
        flag("the restart of " + name, keys.restart(name), requested);
    }

    void writeParameters(Map<String, String> parameters) throws StoreException {
        put("record the configuration", keys.config(), encode(new TreeMap<>(parameters)));
    }

    void setPaused(boolean paused) throws StoreException {
        flag("the pause", keys.pause(), paused);
    }

    /** Appends with a compare-and-swap on the history's revision, so a concurrent append is never overwritten. */
    void addHistory(HistoryEntry entry) throws StoreException {
        String key = keys.history();
        for (int attempt = 1; attempt <= HISTORY_ATTEMPTS; attempt++) {
            Kv read = requests.get("read the history", key);
            List<HistoryEntry> all = new ArrayList<>(read == null ? List.of() : StoreCodec.decodeHistory(read.value(), key));
            all.add(entry);
            Compare unchanged = read == null ? Compare.absent(key) : Compare.unchangedSince(read);
            if (requests.txn("record the promotion in the history", key, List.of(unchanged),
                    List.of(new Op.Put(key, encode(all), 0))).succeeded()) return;
        }
        throw new StoreConflictException(EtcdRequests.what("record the promotion in the history", key)
                + "the history changed during each of " + HISTORY_ATTEMPTS + " attempts", null);
    }

    List<HistoryEntry> history() throws StoreException {
        String key = keys.history();
        Kv read = requests.get("read the history", key);
        return read == null ? List.of() : StoreCodec.decodeHistory(read.value(), key);
    }

    private void put(String operation, String key, byte[] data) throws StoreException {
        requests.call(operation, key, () -> requests.client().put(key, data));
    }

    /** A request that is there or not: set, or cleared. */
    private void flag(String what, String key, boolean set) throws StoreException {
        if (set) put("record " + what, key, new byte[0]);
        else delete("clear " + what, key);
    }

    private void delete(String operation, String key) throws StoreException {
        requests.call(operation, key, () -> requests.client().delete(key));
    }
}
