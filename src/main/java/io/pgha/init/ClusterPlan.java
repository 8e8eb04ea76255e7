package io.pgha.init;

import io.pgha.config.Cidr;
import java.util.List;

/** A checked cluster to write: every name, address and range below has passed {@link PlanChecks}. */
public record ClusterPlan(String cluster, List<Node> nodes, List<Cidr> allow, Store store, Dns dns, int postgresVersion) {

    public record Node(String name, String address) {}

    /** Where the agents keep the lease: ZooKeeper peers run by pgha on some nodes, or an external etcd. */
    public sealed interface Store permits EmbeddedZookeeper, ExternalEtcd {}

    /** {@code peers}: the nodes that run a {@code pgha store} process, an odd number of them. */
    public record EmbeddedZookeeper(List<Node> peers) implements Store {}

    public record ExternalEtcd(List<String> endpoints) implements Store {}

    /** RFC 2136 updates of {@code record}.{@code zone} on {@code server}, signed with the TSIG key named {@code keyName}. */
    public record Dns(String server, String zone, String record, String keyName) {}

    public boolean hostsStorePeer(Node node) {
        return store instanceof EmbeddedZookeeper zk && zk.peers().contains(node);
    }
}
