package io.pgha.dcs;

import static io.pgha.dcs.StoreCodec.decode;

import io.pgha.dcs.EtcdClient.Kv;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reads the whole cluster as one consistent view: one range read of the cluster's prefix, answered at one revision. */
final class EtcdSnapshotReader {
    private final EtcdRequests requests;
    private final EtcdKeys keys;

    EtcdSnapshotReader(EtcdRequests requests, EtcdKeys keys) {
        this.requests = requests;
        this.keys = keys;
    }

    ClusterSnapshot read() throws StoreException {
        var answer = requests.call("read the cluster", keys.all(), () -> requests.client().range(keys.all(), true, false));
        Map<String, Kv> byName = new HashMap<>();
        Map<String, Member> members = new TreeMap<>();
        Set<String> alive = new HashSet<>();
        Set<String> reinit = new HashSet<>();
        Set<String> restart = new HashSet<>();
        for (Kv kv : answer.kvs()) {
            String name = keys.relative(kv.key());
            if (name.startsWith(EtcdKeys.MEMBERS)) {
                members.put(below(name, EtcdKeys.MEMBERS), decode(kv.value(), Member.class, path(name)));
            } else if (name.startsWith(EtcdKeys.ALIVE)) {
                alive.add(below(name, EtcdKeys.ALIVE));
            } else if (name.startsWith(EtcdKeys.REINIT)) {
                reinit.add(below(name, EtcdKeys.REINIT));
            } else if (name.startsWith(EtcdKeys.RESTART)) {
                restart.add(below(name, EtcdKeys.RESTART));
            } else {
                byName.put(name, kv);
            }
        }
        Readout r = new Readout(byName, keys.prefix());
        StoreCodec.InitializeKey initialize = StoreCodec.decodeInitialize(r.bytes("initialize"));
        Kv leaderKey = byName.get("leader");
        Lease leader = leaderKey == null ? null : new Lease(StoreCodec.text(leaderKey.value()),
                leaderKey.createRevision(), leaderKey.lease());
        byte[] parameters = r.bytes("config");
        return new ClusterSnapshot(
                initialize.initialized(),
                initialize.claimedBy(),
                leader,
                r.record("last_leader", Lease.class),
                members,
                alive,
                r.record("sync", SyncState.class),
                r.record("switchover", Switchover.class),
                byName.containsKey("pause"),
                r.record("failover", FailoverRequest.class),
                Set.copyOf(reinit),
                parameters == null ? Map.of() : StoreCodec.decodeParameters(parameters, path("config")),
                Set.copyOf(restart),
                r.record("restore", RestoreRequest.class),
                r.record("format", StoreFormat.class));
    }

    private static String below(String name, String directory) {
        return name.substring(directory.length());
    }

    private String path(String name) {
        return keys.prefix() + name;
    }

    private record Readout(Map<String, Kv> byName, String prefix) {
        byte[] bytes(String name) {
            Kv kv = byName.get(name);
            return kv == null ? null : kv.value();
        }

        <T> T record(String name, Class<T> type) throws StoreException {
            byte[] data = bytes(name);
            return data == null ? null : decode(data, type, prefix + name);
        }
    }
}
