package io.pgha.dcs;

import static io.pgha.dcs.StoreCodec.encode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/** Every write but the lease's: member records, requests, settings, and the history they append to. */
final class ZookeeperWriter {
    private final ZookeeperRequests requests;
    private final CuratorFramework client;
    private final ZookeeperPaths paths;

    ZookeeperWriter(ZookeeperRequests requests, ZookeeperPaths paths) {
        this.requests = requests;
        this.client = requests.client();
        this.paths = paths;
    }

    /** The parents that the snapshot lists, made by whichever member starts first. */
    void prepare() throws StoreException {
        createIfAbsent("prepare the cluster's keys", paths.members(), CreateMode.PERSISTENT);
        createIfAbsent("prepare the cluster's keys", paths.alive(), CreateMode.PERSISTENT);
    }

    void publish(Member member) throws StoreException {
        put("publish the state of " + member.name(), paths.member(member.name()), encode(member));
        String alive = paths.alive(member.name());
        String checkAlive = "check that " + member.name() + " shows as alive";
        if (requests.call(checkAlive, alive, () -> client.checkExists().forPath(alive)) == null) {
            // an existing node is our previous session's, about to expire
            createIfAbsent("show " + member.name() + " as alive", alive, CreateMode.EPHEMERAL);
        }
    }

    void writeFormat(StoreFormat format) throws StoreException {
        put("record the store format", paths.format(), encode(format));
    }

    void removeMember(String name) throws StoreException {
        delete("remove member " + name, paths.member(name));
    }

    void writeSync(SyncState sync) throws StoreException {
        put("record the synchronous set", paths.sync(), encode(sync));
    }

    void writeSwitchover(Switchover switchover) throws StoreException {
        put("record the switchover", paths.switchover(), encode(switchover));
    }

    void clearSwitchover() throws StoreException {
        delete("clear the switchover", paths.switchover());
    }

    void writeFailover(FailoverRequest request) throws StoreException {
        put("record the failover", paths.failover(), encode(request));
    }

    void clearFailover() throws StoreException {
        delete("clear the failover", paths.failover());
    }

    /** The order first, then the cluster forgotten as initialized: members act only once both are so. */
    void requestRestore(RestoreRequest request, boolean forgetCluster) throws StoreException {
        put("record the restore", paths.restore(), encode(request));
        if (!forgetCluster) return;
        delete("clear the synchronous set", paths.sync());
        delete("clear the switchover", paths.switchover());
        delete("clear the failover", paths.failover());
        delete("forget the cluster's initialization", paths.initialize());
    }

    void clearRestore() throws StoreException {
        delete("clear the restore", paths.restore());
    }

    void requestReinit(String name, boolean requested) throws StoreException {
        flag("the reinit of " + name, paths.reinit(name), requested);
    }

    void requestRestart(String name, boolean requested) throws StoreException {
        flag("the restart of " + name, paths.restart(name), requested);
    }

    void writeParameters(Map<String, String> parameters) throws StoreException {
        put("record the configuration", paths.config(), encode(new TreeMap<>(parameters)));
    }

    void setPaused(boolean paused) throws StoreException {
        if (paused) createIfAbsent("pause the cluster", paths.pause(), CreateMode.PERSISTENT);
        else delete("resume the cluster", paths.pause());
    }

    void addHistory(HistoryEntry entry) throws StoreException {
        List<HistoryEntry> all = new ArrayList<>(history());
        all.add(entry);
        put("record the promotion in the history", paths.history(), encode(all));
    }

    List<HistoryEntry> history() throws StoreException {
        String path = paths.history();
        byte[] data = requests.readOrNull("read the history", path, () -> client.getData().forPath(path));
        return data == null ? List.of() : StoreCodec.decodeHistory(data, path);
    }

    /** Replaces the key's value, creating the key on its first write. */
    private void put(String operation, String path, byte[] data) throws StoreException {
        requests.call(operation, path, () -> {
            try {
                return client.setData().forPath(path, data);
            } catch (KeeperException.NoNodeException firstWrite) {
                return client.create().creatingParentsIfNeeded().forPath(path, data);
            }
        });
    }

    /** A request that is there or not: set, or cleared. */
    private void flag(String what, String path, boolean set) throws StoreException {
        if (set) {
            requests.call("record " + what, path, () -> client.create().orSetData().creatingParentsIfNeeded().forPath(path));
            return;
        }
        delete("clear " + what, path);
    }

    private void createIfAbsent(String operation, String path, CreateMode mode) throws StoreException {
        try {
            requests.call(operation, path, () -> client.create().creatingParentsIfNeeded().withMode(mode).forPath(path));
        } catch (StoreConflictException alreadyThere) {
            // made earlier, by this member or another: the same outcome
        }
    }

    private void delete(String operation, String path) throws StoreException {
        requests.call(operation, path, () -> client.delete().quietly().forPath(path));
    }
}
