package io.pgha.cli;

import io.pgha.config.ConfigException;
import io.pgha.config.ConfigLoader;
import io.pgha.config.HaSettings;
import io.pgha.config.NodeConfig;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.Stores;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a CLI command finds the cluster's store: a node's config, or a connect string and a name. */
public final class StoreOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "NODE.yaml", description = "a node's YAML config (gives the cluster, the store and the HA settings)")
    Path config;

    @Option(names = "--dcs", paramLabel = "ADDRESS", description = "the store, instead of -c: ZooKeeper's host:port[,host:port...],"
            + " or etcd://host:port[,host:port...] (etcds:// for TLS)")
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
        NodeConfig.Dcs store;
        String name;
        String fix;
        if (config != null) {
            NodeConfig c = ConfigLoader.load(config);
            store = c.dcs();
            name = c.cluster();
            fix = "check that the store runs there and that the dcs section of " + config + " names it";
        } else if (dcs != null && cluster != null) {
            store = Stores.fromAddress(dcs);
            name = cluster;
            fix = "check that the store runs there and that --dcs names it";
        } else {
            throw new UsageError("say which cluster: -c node.yaml, or --dcs host:port,... (etcd://host:port,...) --cluster NAME");
        }
        try {
            return Stores.openForClient(store, name, Duration.ofSeconds(15), Duration.ofSeconds(10));
        } catch (StoreException e) {
            throw new StoreException("cannot reach the store of cluster " + name + " (" + e.getMessage() + "): " + fix, e);
        }
    }
}
