package io.pgha.cli;

import io.pgha.init.ClusterPlan;
import io.pgha.init.InitRefused;
import io.pgha.init.InitRequest;
import io.pgha.init.InitWriter;
import io.pgha.init.InstallSteps;
import io.pgha.init.PlanChecks;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", description = "Write every node's pgha.yaml and generated secrets (one folder per node, mode 0600),"
        + " and print the commands that install and start each node.")
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cluster", required = true, paramLabel = "NAME", description = "the cluster's name, e.g. harness")
    String cluster;

    @Option(names = "--node", required = true, paramLabel = "NAME=ADDRESS", description = "a node and its IP address; repeat for each node")
    List<String> nodes;

    @Option(names = "--allow", required = true, split = ",", paramLabel = "CIDR",
            description = "address ranges of the nodes and of the clients that may connect; repeat or comma-separate")
    List<String> allow;

    @Option(names = "--store-peers", split = ",", paramLabel = "NAME",
            description = "the nodes that run a ZooKeeper peer (an odd number; default: the first three nodes)")
    List<String> storePeers;

    @Option(names = "--etcd", split = ",", paramLabel = "URL", description = "an external etcd instead of the embedded ZooKeeper: http(s)://host:2379,...")
    List<String> etcd;

    @Option(names = "--dns-server", paramLabel = "ADDRESS", description = "the DNS server that takes RFC 2136 updates (with --dns-zone)")
    String dnsServer;

    @Option(names = "--dns-zone", paramLabel = "ZONE", description = "the zone of the record that follows the primary, e.g. db.example.com")
    String dnsZone;

    @Option(names = "--dns-record", paramLabel = "NAME", description = "the record's name in the zone (default: primary)")
    String dnsRecord;

    @Option(names = "--postgres-version", paramLabel = "N", defaultValue = "15", description = "the PostgreSQL major on the nodes: 14..17 (default: 15)")
    int postgresVersion;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the folders are written (created; kept secrets are reused)")
    Path out;

    @Option(names = "--rotate-secrets", description = "replace the secrets of an earlier run with new ones")
    boolean rotateSecrets;

    @Override
    public Integer call() throws Exception {
        var request = new InitRequest(cluster, nodes, allow, storePeers, etcd, dnsServer, dnsZone, dnsRecord, postgresVersion,
                out, rotateSecrets);
        try {
            ClusterPlan plan = PlanChecks.check(request);
            spec.commandLine().getOut().print(InstallSteps.render(new InitWriter(plan, out, rotateSecrets).write()));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (InitRefused e) {
            throw new UsageError(e.getMessage());
        }
    }
}
