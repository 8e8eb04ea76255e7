package io.pgha.dcs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.pgha.config.HaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store on ZooKeeper, through Curator. Layout under {@code /pgha/<cluster>}: {@code initialize}
 * (who may bootstrap, then the system identifier), {@code leader} (ephemeral: the lease; its czxid is the
 * fencing token), {@code last_leader}, {@code members/<name>} (persistent records), {@code alive/<name>}
 * (ephemeral: the agent is connected).
 */
public final class ZookeeperStore implements Store {
    private static final Logger log = LoggerFactory.getLogger(ZookeeperStore.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final CuratorFramework client;
    private final String root;
    private final CuratorCache cache;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean connected;
    private volatile boolean sessionLost;
    private volatile long lastContactNanos = System.nanoTime();
    private final java.util.concurrent.ScheduledExecutorService heartbeat =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "store-heartbeat");
                t.setDaemon(true);
                return t;
            });
    private final long heartbeatMillis;

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
        this.root = "/pgha/" + cluster;
        this.heartbeatMillis = HaSettings.heartbeatFor(sessionTimeout).toMillis();
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) Math.max(1000, sessionTimeout.toMillis() / 2))
                .retryPolicy(retry)
                .build();
        client.getConnectionStateListenable().addListener((c, state) -> onConnectionState(state));
        this.cache = CuratorCache.build(client, root);
        cache.listenable().addListener((type, oldData, data) -> fire());
    }

    /** Connects, waiting at most {@code wait} for the ensemble to answer. */
    public void start(Duration wait) throws StoreException {
        client.start();
        try {
            if (!client.blockUntilConnected((int) wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StoreException("ZooKeeper at " + client.getZookeeperClient().getCurrentConnectionString()
                        + " did not answer within " + wait.toSeconds() + " s");
            }
            for (String p : List.of(root + "/members", root + "/alive")) {
                try {
                    client.create().creatingParentsIfNeeded().forPath(p);
                } catch (KeeperException.NodeExistsException ignored) {
                    // made by another member
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while connecting to ZooKeeper", e);
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot prepare " + root + " in ZooKeeper: " + e.getMessage(), e);
        }
        cache.start();
        heartbeat.scheduleWithFixedDelay(this::beat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    }

    /** A cheap round trip, so the agent knows when the store last heard from it (fencing counts from there). */
    private void beat() {
        if (!connected) return;
        long sent = System.nanoTime();
        try {
            client.getZookeeperClient().getZooKeeper().exists(root, false);
            lastContactNanos = sent;
        } catch (Exception e) {
            // the connection listener reports the loss
        }
    }

    private void onConnectionState(ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                lastContactNanos = System.nanoTime();
                sessionLost = false;
                connected = true;
            }
            case SUSPENDED -> connected = false;
            case LOST -> {
                connected = false;
                sessionLost = true;
            }
            default -> { }
        }
        log.info("ZooKeeper connection {}", state);
        fire();
    }

    private void fire() {
        for (Runnable r : listeners) r.run();
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public StoreHealth health() {
        return new StoreHealth(connected, sessionLost, lastContactNanos);
    }

    @Override
    public ClusterSnapshot snapshot() throws StoreException {
        try {
            String initialized = null;
            String claimedBy = null;
            byte[] init = readOrNull(root + "/initialize");
            if (init != null) {
                String s = new String(init, StandardCharsets.UTF_8);
                if (s.startsWith("sysid:")) initialized = s.substring(6);
                else claimedBy = s;
            }
            Lease leader = null;
            Stat stat = new Stat();
            try {
                byte[] data = client.getData().storingStatIn(stat).forPath(root + "/leader");
                leader = new Lease(new String(data, StandardCharsets.UTF_8), stat.getCzxid(), stat.getEphemeralOwner());
            } catch (KeeperException.NoNodeException ignored) {
                // nobody holds the lease
            }
            Lease last = null;
            byte[] lastData = readOrNull(root + "/last_leader");
            if (lastData != null) last = JSON.readValue(lastData, Lease.class);
            Map<String, Member> members = new TreeMap<>();
            for (String name : client.getChildren().forPath(root + "/members")) {
                byte[] data = readOrNull(root + "/members/" + name);
                if (data != null) members.put(name, JSON.readValue(data, Member.class));
            }
            Set<String> alive = new HashSet<>(client.getChildren().forPath(root + "/alive"));
            byte[] syncData = readOrNull(root + "/sync");
            SyncState sync = syncData == null ? null : JSON.readValue(syncData, SyncState.class);
            byte[] swData = readOrNull(root + "/switchover");
            Switchover switchover = swData == null ? null : JSON.readValue(swData, Switchover.class);
            boolean paused = client.checkExists().forPath(root + "/pause") != null;
            byte[] foData = readOrNull(root + "/failover");
            FailoverRequest failover = foData == null ? null : JSON.readValue(foData, FailoverRequest.class);
            Set<String> reinit = client.checkExists().forPath(root + "/reinit") == null ? Set.of()
                    : Set.copyOf(client.getChildren().forPath(root + "/reinit"));
            byte[] cfg = readOrNull(root + "/config");
            Map<String, String> parameters = cfg == null ? Map.of()
                    : JSON.readValue(cfg, new com.fasterxml.jackson.core.type.TypeReference<TreeMap<String, String>>() {});
            Set<String> restart = client.checkExists().forPath(root + "/restart") == null ? Set.of()
                    : Set.copyOf(client.getChildren().forPath(root + "/restart"));
            return new ClusterSnapshot(initialized, claimedBy, leader, last, members, alive, sync, switchover, paused,
                    failover, reinit, parameters, restart);
        } catch (Exception e) {
            throw new StoreException("cannot read the cluster from ZooKeeper: " + e.getMessage(), e);
        }
    }

    private byte[] readOrNull(String path) throws Exception {
        try {
            return client.getData().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    @Override
    public boolean claimInitialize(String member) throws StoreException {
        try {
            client.create().creatingParentsIfNeeded().forPath(root + "/initialize", member.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        } catch (Exception e) {
            throw new StoreException("cannot claim bootstrap: " + e.getMessage(), e);
        }
    }

    @Override
    public void setInitialized(String systemIdentifier) throws StoreException {
        try {
            client.setData().forPath(root + "/initialize", ("sysid:" + systemIdentifier).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new StoreException("cannot record the cluster as initialized: " + e.getMessage(), e);
        }
    }

    @Override
    public void abandonInitialize(String member) throws StoreException {
        try {
            byte[] data = readOrNull(root + "/initialize");
            if (data != null && new String(data, StandardCharsets.UTF_8).equals(member)) {
                client.delete().forPath(root + "/initialize");
            }
        } catch (Exception e) {
            throw new StoreException("cannot give the bootstrap right back: " + e.getMessage(), e);
        }
    }

    @Override
    public long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public boolean acquireLease(String member) throws StoreException {
        try {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(root + "/leader", member.getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException e) {
            if (holds(member)) return true;
            if (!dropOwnStaleLease(member)) return false;
            return acquireLease(member);
        } catch (Exception e) {
            throw new StoreException("cannot take the lease: " + e.getMessage(), e);
        }
        try {
            Stat stat = new Stat();
            client.getData().storingStatIn(stat).forPath(root + "/leader");
            byte[] last = JSON.writeValueAsBytes(new Lease(member, stat.getCzxid()));
            try {
                client.create().forPath(root + "/last_leader", last);
            } catch (KeeperException.NodeExistsException e) {
                client.setData().forPath(root + "/last_leader", last);
            }
            return true;
        } catch (Exception e) {
            throw new StoreException("took the lease but cannot record it: " + e.getMessage(), e);
        }
    }

    /** This member's lease left over from its previous session: delete it (only that exact version). */
    private boolean dropOwnStaleLease(String member) throws StoreException {
        try {
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(root + "/leader");
            if (!new String(data, StandardCharsets.UTF_8).equals(member) || stat.getEphemeralOwner() == sessionId()) return false;
            client.delete().withVersion(stat.getVersion()).forPath(root + "/leader");
            log.info("took over this node's lease from its previous store session");
            return true;
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
            return true;
        } catch (Exception e) {
            throw new StoreException("cannot take over the lease: " + e.getMessage(), e);
        }
    }

    private boolean holds(String member) throws StoreException {
        try {
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(root + "/leader");
            return new String(data, StandardCharsets.UTF_8).equals(member)
                    && stat.getEphemeralOwner() == client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (Exception e) {
            throw new StoreException("cannot read the lease: " + e.getMessage(), e);
        }
    }

    @Override
    public void releaseLease(String member) throws StoreException {
        try {
            if (holds(member)) client.delete().forPath(root + "/leader");
        } catch (KeeperException.NoNodeException ignored) {
            // already gone
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot release the lease: " + e.getMessage(), e);
        }
    }

    @Override
    public void publish(Member member) throws StoreException {
        try {
            byte[] data = JSON.writeValueAsBytes(member);
            String path = root + "/members/" + member.name();
            try {
                client.setData().forPath(path, data);
            } catch (KeeperException.NoNodeException e) {
                client.create().creatingParentsIfNeeded().forPath(path, data);
            }
            String alive = root + "/alive/" + member.name();
            if (client.checkExists().forPath(alive) == null) {
                try {
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(alive);
                } catch (KeeperException.NodeExistsException ignored) {
                    // our previous session's node, about to expire
                }
            }
        } catch (Exception e) {
            throw new StoreException("cannot publish member state: " + e.getMessage(), e);
        }
    }

    @Override
    public void writeSync(SyncState sync) throws StoreException {
        write("/sync", sync, "cannot record the synchronous set");
    }

    @Override
    public void writeSwitchover(Switchover switchover) throws StoreException {
        write("/switchover", switchover, "cannot record the switchover");
    }

    @Override
    public void clearSwitchover() throws StoreException {
        try {
            client.delete().quietly().forPath(root + "/switchover");
        } catch (Exception e) {
            throw new StoreException("cannot clear the switchover: " + e.getMessage(), e);
        }
    }

    @Override
    public void writeFailover(FailoverRequest request) throws StoreException {
        write("/failover", request, "cannot record the failover");
    }

    @Override
    public void clearFailover() throws StoreException {
        try {
            client.delete().quietly().forPath(root + "/failover");
        } catch (Exception e) {
            throw new StoreException("cannot clear the failover: " + e.getMessage(), e);
        }
    }

    @Override
    public void requestReinit(String name, boolean requested) throws StoreException {
        try {
            if (requested) client.create().orSetData().creatingParentsIfNeeded().forPath(root + "/reinit/" + name);
            else client.delete().quietly().forPath(root + "/reinit/" + name);
        } catch (Exception e) {
            throw new StoreException("cannot record the reinit of " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void requestRestart(String name, boolean requested) throws StoreException {
        try {
            if (requested) client.create().orSetData().creatingParentsIfNeeded().forPath(root + "/restart/" + name);
            else client.delete().quietly().forPath(root + "/restart/" + name);
        } catch (Exception e) {
            throw new StoreException("cannot record the restart of " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeParameters(Map<String, String> parameters) throws StoreException {
        write("/config", new TreeMap<>(parameters), "cannot record the configuration");
    }

    @Override
    public void setPaused(boolean paused) throws StoreException {
        try {
            if (paused) {
                try {
                    client.create().forPath(root + "/pause");
                } catch (KeeperException.NodeExistsException ignored) {
                    // already paused
                }
            } else {
                client.delete().quietly().forPath(root + "/pause");
            }
        } catch (Exception e) {
            throw new StoreException("cannot " + (paused ? "pause" : "resume") + " the cluster: " + e.getMessage(), e);
        }
    }

    @Override
    public void addHistory(HistoryEntry entry) throws StoreException {
        List<HistoryEntry> all = new java.util.ArrayList<>(history());
        all.add(entry);
        write("/history", all, "cannot record the promotion in the history");
    }

    @Override
    public List<HistoryEntry> history() throws StoreException {
        try {
            byte[] data = readOrNull(root + "/history");
            if (data == null) return List.of();
            return List.of(JSON.readValue(data, HistoryEntry[].class));
        } catch (Exception e) {
            throw new StoreException("cannot read the history: " + e.getMessage(), e);
        }
    }

    private void write(String relative, Object value, String what) throws StoreException {
        try {
            byte[] data = JSON.writeValueAsBytes(value);
            try {
                client.setData().forPath(root + relative, data);
            } catch (KeeperException.NoNodeException e) {
                client.create().forPath(root + relative, data);
            }
        } catch (Exception e) {
            throw new StoreException(what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removeMember(String name) throws StoreException {
        try {
            client.delete().quietly().forPath(root + "/members/" + name);
        } catch (Exception e) {
            throw new StoreException("cannot remove member " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        cache.close();
        client.close();
    }
}
