package io.pgha.cli;

import io.pgha.config.ConfigException;
import io.pgha.config.ConfigLoader;
import io.pgha.config.HaSettings;
import io.pgha.config.NodeConfig;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.ZookeeperStore;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a CLI command finds the cluster's store: a node's config, or a connect string and a name. */
public final class StoreOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "NODE.yaml", description = "a node's YAML config (gives the cluster, the store and the HA settings)")
    Path config;

    @Option(names = "--dcs", paramLabel = "HOST:PORT[,...]", description = "ZooKeeper connect string host:port[,host:port...] (instead of -c)")
    String dcs;

    @Option(names = "--cluster", paramLabel = "NAME", description = "cluster name (with --dcs)")
    String cluster;

    String clusterName() throws ConfigException {
        return config != null ? ConfigLoader.load(config).cluster() : cluster;
    }

    /** The HA settings requests are checked against: the node config's with -c, the defaults with --dcs. */
    HaSettings haSettings() throws ConfigException {
        return config != null ? ConfigLoader.load(config).ha() : HaSettings.defaults();
    }

    /** The node config, for commands that reach PostgreSQL itself (its superuser, its bin_dir): -c is required. */
    NodeConfig nodeConfig(String command) throws ConfigException {
        if (config == null)
            throw new UsageError(command + " needs -c NODE.yaml: it reaches the primary as the config's superuser,"
                    + " with the PostgreSQL programs of its postgres.bin_dir");
        return ConfigLoader.load(config);
    }

    /** A connected store; the caller closes it. */
    Store connect() throws ConfigException, StoreException {
        String connect;
        String name;
        String fix;
        if (config != null) {
            NodeConfig c = ConfigLoader.load(config);
            connect = c.dcs().zookeeper().connectString();
            name = c.cluster();
            fix = "check that ZooKeeper runs there and that dcs.zookeeper in " + config + " names it";
        } else if (dcs != null && cluster != null) {
            connect = dcs;
            name = cluster;
            fix = "check that ZooKeeper runs there and that --dcs names it";
        } else {
            throw new UsageError("say which cluster: -c node.yaml, or --dcs host:port,... --cluster NAME");
        }
        ZookeeperStore store = ZookeeperStore.forClient(connect, name, Duration.ofSeconds(15));
        try {
            store.start(Duration.ofSeconds(10));
        } catch (StoreException e) {
            store.close();
            throw new StoreException("cannot reach the store of cluster " + name + " (" + e.getMessage() + "): " + fix, e);
        }
        return store;
    }
}
