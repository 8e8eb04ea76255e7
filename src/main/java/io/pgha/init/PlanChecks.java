package io.pgha.init;

import io.pgha.config.Cidr;
import io.pgha.config.ConfigValidator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns an {@link InitRequest} into a {@link ClusterPlan}, or refuses it naming every wrong option and its fix. */
public final class PlanChecks {
    static final int DEFAULT_STORE_PEERS = 3;
    static final Set<Integer> POSTGRES_VERSIONS = Set.of(14, 15, 16, 17);
    private static final String ZONE = "([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?";
    private static final String ENDPOINT = "https?://[A-Za-z0-9.\\[\\]:-]+:\\d{1,5}";

    private final List<String> problems = new ArrayList<>();

    private PlanChecks() {}

    public static ClusterPlan check(InitRequest r) {
        PlanChecks c = new PlanChecks();
        ClusterPlan plan = c.build(r);
        if (!c.problems.isEmpty()) throw new InitRefused(String.join("\n", c.problems));
        return plan;
    }

    private ClusterPlan build(InitRequest r) {
        if (r.cluster() == null || !ConfigValidator.validName(r.cluster()))
            problems.add("--cluster '" + r.cluster() + "' is not a valid name: use letters, digits, '_' and '-' (at most 63), e.g. --cluster harness");
        List<Cidr> allow = allow(r.allow());
        List<ClusterPlan.Node> nodes = nodes(r.nodes(), allow);
        ClusterPlan.Store store = r.etcd().isEmpty() ? zookeeper(r.storePeers(), nodes) : etcd(r);
        if (!POSTGRES_VERSIONS.contains(r.postgresVersion()))
            problems.add("--postgres-version " + r.postgresVersion() + " is not supported: use one of 14, 15, 16 or 17");
        return new ClusterPlan(r.cluster(), nodes, allow, store, dns(r), r.postgresVersion());
    }

    private List<Cidr> allow(List<String> ranges) {
        List<Cidr> allow = new ArrayList<>();
        if (ranges.isEmpty())
            problems.add("--allow is required: the address ranges of the nodes and of the clients that may connect, e.g. --allow 10.0.0.0/16");
        for (String range : ranges) {
            try {
                allow.add(Cidr.parse(range));
            } catch (IllegalArgumentException e) {
                problems.add("--allow " + e.getMessage());
            }
        }
        return allow;
    }

    private List<ClusterPlan.Node> nodes(List<String> specs, List<Cidr> allow) {
        List<ClusterPlan.Node> nodes = new ArrayList<>();
        if (specs.isEmpty()) problems.add("--node is required: one per node, e.g. --node db1=10.0.0.11 --node db2=10.0.0.12 --node db3=10.0.0.13");
        Map<String, String> byName = new HashMap<>();
        Map<InetAddress, String> byAddress = new HashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq < 0) {
                problems.add("--node " + spec + " must be NAME=ADDRESS, e.g. --node db1=10.0.0.11");
                continue;
            }
            String name = spec.substring(0, eq).trim();
            String address = spec.substring(eq + 1).trim();
            if (!ConfigValidator.validName(name))
                problems.add("--node " + spec + ": '" + name + "' is not a valid node name: use letters, digits, '_' and '-' (at most 63)");
            else if (name.equals(InitWriter.SECRETS_DIR))
                problems.add("--node " + spec + ": '" + name + "' is reserved for the folder of the cluster's secrets; choose another name");
            else if (byName.putIfAbsent(name, spec) != null)
                problems.add("--node " + spec + ": the name " + name + " is already used by --node " + byName.get(name) + "; every node needs its own name");
            InetAddress ip = ipLiteral(address);
            if (ip == null) {
                problems.add("--node " + spec + ": '" + address + "' is not an IP address; give the address the other nodes and the clients reach this node at, e.g. 10.0.0.11");
                continue;
            }
            if (byAddress.putIfAbsent(ip, spec) != null)
                problems.add("--node " + spec + ": the address " + address + " is already used by --node " + byAddress.get(ip) + "; every node needs its own address");
            if (!allow.isEmpty() && allow.stream().noneMatch(c -> contains(c, ip)))
                problems.add("--node " + spec + ": " + address + " is outside every --allow range (" + ranges(allow)
                        + "): clients and the other nodes could not reach it; widen --allow or fix the address");
            nodes.add(new ClusterPlan.Node(name, ip.getHostAddress()));
        }
        return nodes;
    }

    private ClusterPlan.Store zookeeper(List<String> peerNames, List<ClusterPlan.Node> nodes) {
        List<ClusterPlan.Node> peers = new ArrayList<>();
        if (peerNames.isEmpty()) {
            peers.addAll(nodes.subList(0, Math.min(DEFAULT_STORE_PEERS, nodes.size())));
        } else {
            Set<String> seen = new HashSet<>();
            for (String name : peerNames) {
                var node = nodes.stream().filter(n -> n.name().equals(name)).findFirst();
                if (node.isEmpty()) problems.add("--store-peers " + name + " is not one of the --node names");
                else if (!seen.add(name)) problems.add("--store-peers lists " + name + " twice");
                else peers.add(node.get());
            }
        }
        if (!peers.isEmpty() && peers.size() % 2 == 0)
            problems.add("an even number of store peers (" + peers.size() + ": " + String.join(", ", peers.stream().map(ClusterPlan.Node::name).toList())
                    + ") survives no more failures than one fewer: list an odd number with --store-peers (1, 3 or 5), or add a node");
        return new ClusterPlan.EmbeddedZookeeper(List.copyOf(peers));
    }

    private ClusterPlan.Store etcd(InitRequest r) {
        if (!r.storePeers().isEmpty())
            problems.add("--store-peers and --etcd exclude each other: with an external etcd no node runs a store peer");
        for (String url : r.etcd())
            if (!url.trim().matches(ENDPOINT))
                problems.add("--etcd " + url + " is not an etcd client URL: write http://host:2379 or https://host:2379, comma-separated");
        return new ClusterPlan.ExternalEtcd(r.etcd().stream().map(String::trim).toList());
    }

    private ClusterPlan.Dns dns(InitRequest r) {
        boolean server = r.dnsServer() != null, zone = r.dnsZone() != null;
        if (!server && !zone) return null;
        if (server != zone) {
            problems.add("--dns-server and --dns-zone go together: give both (the DNS server's address and the zone it updates), or neither");
            return null;
        }
        if (ipLiteral(r.dnsServer()) == null)
            problems.add("--dns-server '" + r.dnsServer() + "' is not an IP address: give the DNS server's address, e.g. 10.0.0.2");
        if (!r.dnsZone().matches(ZONE))
            problems.add("--dns-zone '" + r.dnsZone() + "' is not a DNS name, e.g. db.example.com");
        String record = r.dnsRecord() == null ? "primary" : r.dnsRecord();
        if (!record.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"))
            problems.add("--dns-record '" + record + "' is not a DNS label, e.g. primary");
        return new ClusterPlan.Dns(r.dnsServer(), r.dnsZone().replaceAll("\\.$", ""), record, "pgha-" + r.cluster());
    }

    /** An IPv4 or IPv6 literal, never a name looked up in DNS. */
    static InetAddress ipLiteral(String text) {
        if (text == null) return null;
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (v4 && java.util.Arrays.stream(text.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) return null;
        if (!v4 && !text.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) return null;
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static boolean contains(Cidr range, InetAddress ip) {
        byte[] net = range.address().getAddress(), a = ip.getAddress();
        if (net.length != a.length) return false;
        for (int i = 0; i < range.prefix(); i++) {
            int mask = 0x80 >>> (i % 8);
            if ((net[i / 8] & mask) != (a[i / 8] & mask)) return false;
        }
        return true;
    }

    private static String ranges(List<Cidr> allow) {
        return String.join(", ", allow.stream().map(Cidr::toString).toList());
    }
}
