package io.pgha.dcs;

import io.pgha.config.HaSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to ZooKeeper as fencing needs it: the session's state, the time of the last answered request
 * (a heartbeat keeps it fresh), and change events for the cluster's keys and the connection.
 */
final class ZookeeperSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZookeeperSession.class);

    private final CuratorFramework client;
    private final String root;
    private final CuratorCache cache;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final long heartbeatMillis;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "store-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean connected;
    private volatile boolean sessionLost;
    private volatile long lastContactNanos = System.nanoTime();

    ZookeeperSession(String connectString, String root, Duration sessionTimeout, RetryPolicy retry) {
        this.root = root;
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

    CuratorFramework client() {
        return client;
    }

    /** Connects, waiting at most {@code wait} for the ensemble to answer. */
    void connect(Duration wait) throws StoreException {
        client.start();
        try {
            if (!client.blockUntilConnected((int) wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException("ZooKeeper at "
                        + client.getZookeeperClient().getCurrentConnectionString()
                        + " did not answer within " + wait.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            throw ZookeeperRequests.failure("connect to ZooKeeper", root, e);
        }
    }

    /** Once the cluster's keys exist: report their changes and keep the last contact fresh. */
    void watch() {
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

    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    StoreHealth health() {
        return new StoreHealth(connected, sessionLost, lastContactNanos);
    }

    /**
     * Refuses a session the ensemble granted with another timeout than asked for: shorter, it would expire the lease
     * before the agent fences; longer, a failover waits past ha.ttl.
     */
    void requireGrantedTimeout(Duration asked) throws StoreException {
        int granted;
        try {
            granted = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        } catch (Exception e) {
            throw ZookeeperRequests.failure("read the granted session timeout", root, e);
        }
        if (granted == asked.toMillis()) return;
        throw new StoreException("ha.ttl: ZooKeeper at " + client.getZookeeperClient().getCurrentConnectionString()
                + " granted a session of " + granted + " ms, not the " + asked.toMillis() + " ms of ha.ttl (the ensemble's"
                + " minSessionTimeout/maxSessionTimeout bound it): set ha.ttl within those bounds, or widen them in zoo.cfg"
                + " (maxSessionTimeout at least " + asked.toMillis() + ")");
    }

    /** The current session's id, or -1 while there is none. */
    long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        cache.close();
        client.close();
    }
}
