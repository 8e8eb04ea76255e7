package io.pgha.dcs;

import io.pgha.config.NodeConfig;
import java.time.Duration;
import java.util.Arrays;

/** The one place that picks a backend: everything outside this package sees a {@link Store}. */
public final class Stores {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Stores.class);
    private static final String ETCD = "etcd://";
    private static final String ETCD_TLS = "etcds://";
    /** A client's session (the CLI, the demo, tests) only needs to outlive its requests. */
    private static final Duration CLIENT_TTL = Duration.ofSeconds(10);

    private Stores() {}

    /**
     * The agent's store, connected, waiting up to {@code wait} for the store to answer. Its requests fail after a
     * fraction of the ttl: the agent must see the loss (and fence on it) rather than wait.
     */
    public static Store openForAgent(NodeConfig.Dcs dcs, String cluster, Duration ttl, Duration wait) throws StoreException {
        if (dcs.etcd() != null) {
            return startEtcd(dcs.etcd(), cluster, ttl, Duration.ofMillis(Math.max(1000, ttl.toMillis() / 2)), wait);
        }
        ZookeeperStore store = new ZookeeperStore(dcs.zookeeper().connectString(), cluster, ttl);
        startZookeeper(store, wait);
        try {
            store.requireGrantedTimeout(ttl);
        } catch (StoreException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** A client's store: its requests wait out a store election among the surviving members, for up to {@code patience}. */
    public static Store openForClient(NodeConfig.Dcs dcs, String cluster, Duration patience, Duration wait)
            throws StoreException {
        if (dcs.etcd() != null) return startEtcd(dcs.etcd(), cluster, CLIENT_TTL, patience, wait);
        return startZookeeper(ZookeeperStore.forClient(dcs.zookeeper().connectString(), cluster, patience), wait);
    }

    /**
     * The store named by a {@code --dcs} address: {@code etcd://host:port[,host:port...]} (or {@code etcds://} for
     * TLS with the JVM's trusted CAs) for etcd, ZooKeeper's {@code host:port[,host:port...]} otherwise.
     */
    public static NodeConfig.Dcs fromAddress(String address) {
        String scheme = address.startsWith(ETCD) ? "http://" : address.startsWith(ETCD_TLS) ? "https://" : null;
        if (scheme == null) return new NodeConfig.Dcs(new NodeConfig.Zookeeper(false, null, java.util.List.of(), address));
        String hosts = address.substring(address.indexOf("://") + 3);
        var endpoints = Arrays.stream(hosts.split(",")).map(String::strip).filter(h -> !h.isEmpty()).map(h -> scheme + h).toList();
        return new NodeConfig.Dcs(null, new NodeConfig.Etcd(endpoints, null, null, null, null, null));
    }

    /** For messages: which store, and where. */
    public static String describe(NodeConfig.Dcs dcs) {
        return dcs.etcd() != null ? "etcd at " + String.join(",", dcs.etcd().endpoints())
                : "ZooKeeper at " + dcs.zookeeper().connectString();
    }

    private static Store startEtcd(NodeConfig.Etcd etcd, String cluster, Duration ttl, Duration requestTimeout,
                                   Duration wait) throws StoreException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (int attempt = 1; ; attempt++) {
            EtcdStore store = new EtcdStore(etcd, cluster, ttl, requestTimeout);
            try {
                store.start();
                return store;
            } catch (StoreUnavailableException notYet) {
                store.close();
                if (System.nanoTime() - deadline >= 0) throw notYet;
                if (attempt == 1) log.warn("{}: waiting up to {} s for etcd", notYet.getMessage(), wait.toSeconds());
                pause(Duration.ofMillis(500));
            } catch (StoreException refused) {
                store.close();
                throw refused;
            }
        }
    }

    private static void pause(Duration d) throws StoreUnavailableException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for etcd", e);
        }
    }

    private static Store startZookeeper(ZookeeperStore store, Duration wait) throws StoreException {
        try {
            store.start(wait);
            return store;
        } catch (StoreException e) {
            store.close();
            throw e;
        }
    }
}
