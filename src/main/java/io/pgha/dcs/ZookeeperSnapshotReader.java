package io.pgha.dcs;

import static io.pgha.dcs.StoreCodec.decode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult.ErrorResult;
import org.apache.zookeeper.OpResult.GetChildrenResult;
import org.apache.zookeeper.OpResult.GetDataResult;
import org.apache.zookeeper.OpResult;

/**
 * Reads the whole cluster as one consistent view: every key in one read-only multi, which the server answers
 * at a single zxid. The member names must be known to read the members, so they are listed first and listed
 * again inside the multi; if a member joined in between, its record was not read, and the read is redone with
 * the new listing.
 */
final class ZookeeperSnapshotReader {
    /** Member lists change only when a node joins or is removed: a handful of rereads is plenty. */
    static final int ATTEMPTS = 5;
    private static final String READ = "read the cluster";

    private final ZookeeperRequests requests;
    private final ZookeeperPaths paths;

    ZookeeperSnapshotReader(ZookeeperRequests requests, ZookeeperPaths paths) {
        this.requests = requests;
        this.paths = paths;
    }

    ClusterSnapshot read() throws StoreException {
        List<String> names = requests.callRaw("list the members", paths.members(),
                zk -> zk.getChildren(paths.members(), false));
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Readout readout = readAll(names);
            List<String> listed = readout.requiredChildren(paths.members());
            // a member gone in between is harmless: every member still listed was read in the same multi
            if (Set.copyOf(names).containsAll(listed)) return decodeAll(readout, listed);
            names = listed;
        }
        throw new StoreUnavailableException("cannot " + READ + " (" + paths.root() + "): members joined during each of "
                + ATTEMPTS + " reads");
    }

    private Readout readAll(List<String> memberNames) throws StoreException {
        List<String> childrenOf = List.of(paths.members(), paths.alive(), paths.reinit(), paths.restart());
        List<String> dataOf = new ArrayList<>(List.of(paths.initialize(), paths.leader(), paths.lastLeader(), paths.sync(),
                paths.switchover(), paths.pause(), paths.failover(), paths.config(), paths.restore(), paths.format()));
        for (String name : memberNames) dataOf.add(paths.member(name));
        List<Op> ops = new ArrayList<>();
        for (String path : childrenOf) ops.add(Op.getChildren(path));
        for (String path : dataOf) ops.add(Op.getData(path));
        List<OpResult> results = requests.callRaw(READ, paths.root(), zk -> zk.multi(ops));
        Map<String, OpResult> byPath = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) byPath.put(ops.get(i).getPath(), results.get(i));
        return new Readout(byPath);
    }

    private ClusterSnapshot decodeAll(Readout r, List<String> memberNames) throws StoreException {
        GetDataResult init = r.data(paths.initialize());
        StoreCodec.InitializeKey initialize = StoreCodec.decodeInitialize(init == null ? null : init.getData());
        GetDataResult lease = r.data(paths.leader());
        Lease leader = lease == null ? null : new Lease(StoreCodec.text(lease.getData()),
                lease.getStat().getCzxid(), lease.getStat().getEphemeralOwner());
        Map<String, Member> members = new TreeMap<>();
        for (String name : memberNames) {
            Member member = r.record(paths.member(name), Member.class);
            if (member != null) members.put(name, member);
        }
        byte[] parameters = r.bytes(paths.config());
        return new ClusterSnapshot(
                initialize.initialized(),
                initialize.claimedBy(),
                leader,
                r.record(paths.lastLeader(), Lease.class),
                members,
                new HashSet<>(r.requiredChildren(paths.alive())),
                r.record(paths.sync(), SyncState.class),
                r.record(paths.switchover(), Switchover.class),
                r.data(paths.pause()) != null,
                r.record(paths.failover(), FailoverRequest.class),
                r.childrenOrNone(paths.reinit()),
                parameters == null ? Map.of() : StoreCodec.decodeParameters(parameters, paths.config()),
                r.childrenOrNone(paths.restart()),
                r.record(paths.restore(), RestoreRequest.class),
                r.record(paths.format(), StoreFormat.class));
    }

    /** The multi's answers by path; an absent key reads as null, any other failed read fails the snapshot. */
    private record Readout(Map<String, OpResult> byPath) {
        GetDataResult data(String path) throws StoreException {
            return (GetDataResult) present(path);
        }

        byte[] bytes(String path) throws StoreException {
            GetDataResult result = data(path);
            return result == null ? null : result.getData();
        }

        <T> T record(String path, Class<T> type) throws StoreException {
            byte[] data = bytes(path);
            return data == null ? null : decode(data, type, path);
        }

        Set<String> childrenOrNone(String path) throws StoreException {
            OpResult result = present(path);
            return result == null ? Set.of() : Set.copyOf(((GetChildrenResult) result).getChildren());
        }

        List<String> requiredChildren(String path) throws StoreException {
            OpResult result = present(path);
            if (result == null) throw failed(path, KeeperException.Code.NONODE);
            return ((GetChildrenResult) result).getChildren();
        }

        private OpResult present(String path) throws StoreException {
            OpResult result = byPath.get(path);
            if (!(result instanceof ErrorResult error)) return result;
            KeeperException.Code code = KeeperException.Code.get(error.getErr());
            if (code == KeeperException.Code.NONODE) return null;
            throw failed(path, code);
        }

        private static StoreException failed(String path, KeeperException.Code code) {
            return ZookeeperRequests.failure(READ, path, KeeperException.create(code, path));
        }
    }
}
