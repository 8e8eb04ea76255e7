package io.pgha.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import io.pgha.dcs.ZookeeperStore;
import io.pgha.ha.ClusterReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Show the cluster's members, roles, states, timelines and lag.")
public final class ListCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "a node's YAML config (gives the cluster and the store)")
    Path config;

    @Option(names = "--dcs", description = "ZooKeeper connect string host:port[,host:port...] (instead of -c)")
    String dcs;

    @Option(names = "--cluster", description = "cluster name (with --dcs)")
    String cluster;

    @Option(names = {"-o", "--output"}, description = "table (default) or json", defaultValue = "table")
    String output;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        if (!output.equals("table") && !output.equals("json"))
            throw new UsageError("-o must be table or json, not '" + output + "'");
        String connect;
        String name;
        if (config != null) {
            NodeConfig c = ConfigLoader.load(config);
            connect = c.dcs().zookeeper().connectString();
            name = c.cluster();
        } else if (dcs != null && cluster != null) {
            connect = dcs;
            name = cluster;
        } else {
            throw new UsageError("say which cluster: -c node.yaml, or --dcs host:port,... --cluster NAME");
        }
        try (ZookeeperStore store = new ZookeeperStore(connect, name, Duration.ofSeconds(10))) {
            store.start(Duration.ofSeconds(10));
            ClusterReport report = ClusterReport.of(name, store.snapshot());
            System.out.print(output.equals("json") ? JSON.writeValueAsString(report) + "\n" : report.table());
        }
        return 0;
    }
}
