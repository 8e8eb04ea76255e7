package io.pgha.init;

import java.nio.file.Path;
import java.util.List;

/** What {@code pgha init} prints: what it wrote, then the exact commands that install and start each node. */
public final class InstallSteps {
    private InstallSteps() {}

    public static String render(InitWriter.Result result) {
        ClusterPlan plan = result.plan();
        Path out = result.out().toAbsolutePath().normalize();
        StringBuilder s = new StringBuilder();
        s.append("pgha init: cluster ").append(plan.cluster()).append(", ").append(plan.nodes().size())
                .append(plan.nodes().size() == 1 ? " node" : " nodes").append(", written to ").append(out).append('\n');
        if (!result.generated().isEmpty()) s.append("  secrets generated: ").append(String.join(", ", result.generated())).append('\n');
        if (!result.kept().isEmpty()) s.append("  secrets kept from the earlier run: ").append(String.join(", ", result.kept()))
                .append(" (--rotate-secrets replaces them)\n");
        s.append("  store: ").append(store(plan)).append('\n');
        s.append("  every file is mode 0600 and every folder 0700; each node's folder goes to that node only.\n\n");
        s.append("On every node, as root, install the package first (it brings PostgreSQL and pgBackRest):\n");
        s.append("  apt-get install -y ./pgha_*_amd64.deb\n\n");
        s.append("Then copy each node's folder and start its services, from this machine:\n");
        for (var node : plan.nodes()) {
            String folder = "pgha-" + node.name();
            String units = plan.hostsStorePeer(node) ? TargetPaths.STORE_UNIT + " " + TargetPaths.AGENT_UNIT : TargetPaths.AGENT_UNIT;
            String ssh = "root@" + (node.address().contains(":") ? "[" + node.address() + "]" : node.address());
            s.append("  # ").append(node.name()).append(" (").append(node.address()).append(")\n");
            s.append("  scp -rp ").append(out.resolve(node.name())).append(' ').append(ssh).append(':').append(folder).append('\n');
            s.append("  ssh ").append(ssh).append(" 'install -m 0600 -o postgres -g postgres ").append(folder).append("/* ")
                    .append(TargetPaths.CONFIG_DIR).append("/ && rm -r ").append(folder)
                    .append(" && systemctl enable --now ").append(units).append("'\n");
        }
        s.append("\nWhen every node is started, on any of them: pgha list -c ").append(TargetPaths.CONFIG_FILE).append('\n');
        s.append("The application's password (the same on every node): ").append(out.resolve(InitWriter.SECRETS_DIR)
                .resolve(SecretKind.APPLICATION_PASSWORD.file)).append('\n');
        if (plan.dns() != null)
            s.append("DNS: add ").append(out.resolve(InitWriter.SECRETS_DIR).resolve(InitWriter.DNS_KEY_FILE)).append(" (the TSIG key, keep it 0600) to ")
                    .append(plan.dns().server()).append("'s named.conf, with the update-policy it shows.\n");
        return s.toString();
    }

    private static String store(ClusterPlan plan) {
        return switch (plan.store()) {
            case ClusterPlan.ExternalEtcd etcd -> "the external etcd at " + String.join(", ", etcd.endpoints())
                    + " (no node runs " + TargetPaths.STORE_UNIT + ")";
            case ClusterPlan.EmbeddedZookeeper zk -> "ZooKeeper peers on " + names(zk.peers()) + " (" + TargetPaths.STORE_UNIT
                    + " runs there" + (zk.peers().size() < plan.nodes().size() ? "; --store-peers chooses others" : "") + ")";
        };
    }

    private static String names(List<ClusterPlan.Node> nodes) {
        return String.join(", ", nodes.stream().map(ClusterPlan.Node::name).toList());
    }
}
