package io.pgha.init;

import io.pgha.config.Cidr;
import java.util.List;
import java.util.stream.Collectors;

/** One node's pgha.yaml, in the format {@code ConfigLoader} reads, pointing at the package's paths on the node. */
final class NodeYaml {
    private NodeYaml() {}

    static String render(ClusterPlan plan, ClusterPlan.Node node) {
        StringBuilder y = new StringBuilder();
        y.append("# node ").append(node.name()).append(" of cluster ").append(plan.cluster())
                .append(", written by pgha init; install as ").append(TargetPaths.CONFIG_FILE).append('\n');
        y.append("cluster: ").append(quote(plan.cluster())).append('\n');
        y.append("name: ").append(quote(node.name())).append('\n');
        y.append("host: ").append(quote(node.address())).append('\n');
        y.append("postgres:\n");
        y.append("  bin_dir: ").append(TargetPaths.postgresBinDir(plan.postgresVersion())).append('\n');
        y.append("  data_dir: ").append(TargetPaths.DATA_DIR).append('\n');
        y.append("  superuser_password_file: ").append(SecretKind.SUPERUSER_PASSWORD.targetPath()).append('\n');
        y.append("  replication_password_file: ").append(SecretKind.REPLICATION_PASSWORD.targetPath()).append('\n');
        y.append("  allowed_client_cidrs: [")
                .append(plan.allow().stream().map(Cidr::toString).map(NodeYaml::quote).collect(Collectors.joining(", ")))
                .append("]\n");
        y.append("api:\n");
        y.append("  listen: ").append(quote(hostPort(node.address(), 8008))).append('\n');
        y.append("  token_file: ").append(SecretKind.API_TOKEN.targetPath()).append('\n');
        y.append(dcs(plan, node));
        if (plan.dns() != null) y.append(dns(plan.dns()));
        return y.toString();
    }

    private static String dcs(ClusterPlan plan, ClusterPlan.Node node) {
        return switch (plan.store()) {
            case ClusterPlan.ExternalEtcd etcd -> "dcs:\n  etcd:\n    endpoints: ["
                    + etcd.endpoints().stream().map(NodeYaml::quote).collect(Collectors.joining(", ")) + "]\n";
            case ClusterPlan.EmbeddedZookeeper zk -> "dcs:\n  zookeeper:\n    embedded: true\n"
                    + "    # " + (plan.hostsStorePeer(node) ? "this node hosts a peer: run " + TargetPaths.STORE_UNIT + " here too"
                            : "this node hosts no peer: run only " + TargetPaths.AGENT_UNIT + " here") + "\n"
                    + "    peers:\n" + peers(zk.peers());
        };
    }

    private static String peers(List<ClusterPlan.Node> peers) {
        StringBuilder s = new StringBuilder();
        for (var p : peers) s.append("      - {name: ").append(quote(p.name())).append(", host: ").append(quote(p.address())).append("}\n");
        return s.toString();
    }

    private static String dns(ClusterPlan.Dns dns) {
        return "dns:\n"
                + "  server: " + quote(dns.server()) + "\n"
                + "  zone: " + quote(dns.zone()) + "\n"
                + "  record: " + quote(dns.record()) + "\n"
                + "  tsig_key_name: " + quote(dns.keyName()) + "\n"
                + "  tsig_algorithm: hmac-sha256\n"
                + "  tsig_secret_file: " + SecretKind.TSIG_SECRET.targetPath() + "\n";
    }

    static String hostPort(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    /** Single-quoted: every value here has passed {@link PlanChecks}, so none holds a quote. */
    private static String quote(String value) {
        return "'" + value + "'";
    }
}
