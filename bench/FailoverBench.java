import io.pgha.demo.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write unavailability across a failure of the primary, with a writer inserting a row every ~10 ms
 * through the demo's multi-host connection string.
 *
 *   bench/run FailoverBench [--trials N] [--kill node|postgres|switchover|hang] [--via multihost|proxy|haproxy|dns] [--idle-rss]
 *                           [--store zookeeper|etcd] [--etcd-port N] [--port-base N]
 *
 * --kill node:     kill -9 of the primary's agent, its store process and its postmaster (a node crash);
 *                  the node is restarted and rejoins before the next trial.
 * --kill postgres: kill -9 of the primary's postmaster alone; the agent restarts it.
 * --kill switchover: a planned switchover (what `pgha switchover` does), nothing killed.
 * --kill hang:     SIGSTOP of every process of the primary's PostgreSQL (a hung disk); its agent keeps running.
 * --via multihost: the writer uses the libpq-style multi-host URL with targetServerType=primary;
 * --via proxy:     the writer connects through pgha's proxies (a multi-host URL over the three proxy ports).
 * --via haproxy:   the writer connects through a real HAProxy running the config `pgha haproxy-config` prints.
 * --via dns:       a real BIND 9 holds primary.db.pgha.test (TTL 1 s), which the leader keeps as a CNAME to its
 *                  node's name with TSIG-signed updates; the writer looks it up at every (re)connect, keeping an
 *                  answer for its TTL as a stub resolver would, and connects to the node it names.
 * --idle-rss:      after start, wait 60 s idle and print each node's resident memory: agent, store process, watchdog.
 * --store etcd:    the agents use a three-member etcd (Debian's /usr/bin/etcd, client ports 41300, 41302, 41304)
 *                  instead of the embedded ZooKeeper (the default).
 * --etcd-port N:   the etcd members' first client port (default 41300; member i uses N+2i and N+2i+1).
 * --port-base N:   the cluster's port base (default 13432; it uses N..N+699); --port is the same.
 */
public class FailoverBench {
    record Ack(int id, long atNanos) {}

    public static void main(String[] args) throws Exception {
        int trials = 5;
        String kill = "node";
        boolean rss = false;
        String via = "multihost";
        boolean etcdStore = false;
        int portBase = 13432;
        int etcdPort = 41300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--kill" -> kill = args[++i];
                case "--idle-rss" -> rss = true;
                case "--via" -> via = args[++i];
                case "--store" -> etcdStore = args[++i].equals("etcd");
                case "--port-base", "--port" -> portBase = Integer.parseInt(args[++i]);
                case "--etcd-port" -> etcdPort = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!List.of("node", "postgres", "switchover", "hang").contains(kill)) throw new IllegalArgumentException("--kill node|postgres|switchover|hang");
        if (!List.of("multihost", "proxy", "haproxy", "dns").contains(via)) throw new IllegalArgumentException("--via multihost|proxy|haproxy|dns");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-bench-");
        LocalCluster cluster = new LocalCluster(dir, "bench", 3, portBase, LocalCluster.defaultJavaCommand(), Map.of());
        io.pgha.testing.LocalEtcd etcd = etcdStore ? io.pgha.testing.LocalEtcd.start(etcdPort, 3) : null;
        if (etcd != null) cluster.withEtcd(etcd.endpoints());
        io.pgha.testing.BindServer bind = via.equals("dns") ? new io.pgha.testing.BindServer(DNS_PORT) : null;
        Path tsig = dir.resolve("tsig.secret");
        if (bind != null) {
            cluster.withExtraConfig(i -> "dns:\n  server: 127.0.0.1\n  port: " + DNS_PORT + "\n  zone: pgha.test\n"
                    + "  record: primary.db\n  ttl: 1\n  tsig_key_name: " + io.pgha.testing.BindServer.KEY + "\n"
                    + "  tsig_secret_file: " + tsig + "\n  target: node" + (i + 1) + ".pgha.test\n");
        }
        Process[] haproxy = new Process[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (haproxy[0] != null) haproxy[0].destroy();
            if (bind != null) {
                try {
                    bind.close();
                } catch (Exception ignored) {
                }
            }
            cluster.close();
            try {
                cluster.deleteFiles();
                if (etcd != null) etcd.close();
            } catch (Exception ignored) {
            }
        }));
        if (!cluster.busyPorts().isEmpty()) throw new IllegalStateException("ports busy: " + cluster.busyPorts());
        cluster.writeConfigs();
        if (bind != null) {
            Files.createFile(tsig, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tsig, Files.readString(bind.secretFile()));
        }
        long t0 = System.nanoTime();
        cluster.startAll();
        waitHealthy(cluster);
        System.out.printf("start to one primary and two streaming standbys: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        if (rss) {
            Thread.sleep(60_000);
            for (int i = 0; i < 3; i++) {
                ProcessHandle agent = cluster.agent(i).orElseThrow().toHandle();
                long agentKb = rssKb(agent.pid());
                // the watchdog: the agent's bash child (PostgreSQL is started through pg_ctl and is not its child)
                long watchdogKb = agent.children().filter(c -> c.info().command().orElse("").endsWith("bash"))
                        .mapToLong(c -> rssKb(c.pid())).sum();
                long storeKb = cluster.store(i).map(p -> rssKb(p.pid())).orElse(0L);
                System.out.printf("%s after 60 s idle: agent %.1f MiB, store process %.1f MiB, watchdog %.1f MiB: %.1f MiB%n",
                        cluster.name(i), agentKb / 1024.0, storeKb / 1024.0, watchdogKb / 1024.0,
                        (agentKb + storeKb + watchdogKb) / 1024.0);
            }
            return;
        }

        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", cluster.superuserPassword());
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props)) {
            c.createStatement().execute("CREATE TABLE bench (id int PRIMARY KEY, at timestamptz DEFAULT now())");
        }
        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        AtomicLong lastAck = new AtomicLong();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        if (via.equals("haproxy")) haproxy[0] = startHaproxy(cluster, dir, HAPROXY_PORT);
        DnsLookup dns = bind == null ? null : new DnsLookup(DNS_PORT, "primary.db.pgha.test.");
        String fixedUrl = via.equals("haproxy") ? "jdbc:postgresql://" + LocalCluster.HOST + ":" + HAPROXY_PORT + "/postgres?connectTimeout=1"
                : via.equals("proxy")
                ? "jdbc:postgresql://" + LocalCluster.HOST + ":" + cluster.proxyPort(0) + "," + LocalCluster.HOST + ":"
                        + cluster.proxyPort(1) + "," + LocalCluster.HOST + ":" + cluster.proxyPort(2) + "/postgres?connectTimeout=1"
                : cluster.jdbcUrl().replace("connectTimeout=2", "connectTimeout=1");
        Thread writer = Thread.ofPlatform().start(() -> {
            int id = 0;
            Connection c = null;
            PreparedStatement ps = null;
            while (!stop.get()) {
                try {
                    if (c == null) {
                        Properties p = new Properties();
                        p.putAll(props);
                        p.setProperty("socketTimeout", "5");
                        String url = dns == null ? fixedUrl : "jdbc:postgresql://" + LocalCluster.HOST + ":"
                                + cluster.pgPort(dns.node()) + "/postgres?connectTimeout=1&targetServerType=primary";
                        c = DriverManager.getConnection(url, p);
                        ps = c.prepareStatement("INSERT INTO bench (id) VALUES (?)");
                    }
                    ps.setInt(1, ++id);
                    ps.executeUpdate();
                    long now = System.nanoTime();
                    acks.add(new Ack(id, now));
                    lastAck.set(now);
                    Thread.sleep(10);
                } catch (Exception e) {
                    try {
                        if (c != null) c.close();
                    } catch (Exception ignored) {
                    }
                    c = null;
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });

        List<Double> gaps = new ArrayList<>();
        for (int t = 1; t <= trials; t++) {
            waitHealthy(cluster);
            Thread.sleep(2000);
            int leader = cluster.leader().orElseThrow();
            long killAt;
            if (kill.equals("switchover")) {
                killAt = System.nanoTime();
                try (var store = io.pgha.dcs.ZookeeperStore.forClient(cluster.zkConnect(), cluster.cluster(), java.time.Duration.ofSeconds(20))) {
                    store.start(java.time.Duration.ofSeconds(10));
                    var r = new io.pgha.admin.ClusterAdmin(store, io.pgha.config.HaSettings.defaults()).switchover(null, null, null);
                    if (!r.succeeded()) throw new IllegalStateException(r.message());
                }
            } else {
                if (kill.equals("node")) cluster.killNode(leader);
                else if (kill.equals("hang")) hang(cluster, leader);
                else cluster.killPostgres(leader);
                killAt = System.nanoTime(); // the postmaster is gone or stopped: nothing after this came from it
            }
            long faultAt = kill.equals("switchover") ? killAt : killAt - 500_000_000L;
            // writes resume once the leader moved (or the postmaster is back) and one more write went through
            long resumeDeadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < resumeDeadline) {
                var now = cluster.leader();
                boolean moved = kill.equals("postgres") ? now.isPresent() : now.filter(l -> l != leader).isPresent();
                if (moved && lastAck.get() > killAt) break;
                Thread.sleep(5);
            }
            long resumedAt = System.nanoTime();
            while (lastAck.get() < resumedAt) Thread.sleep(5);
            // unavailability: the longest wait between two consecutive acknowledged writes around the fault
            List<Long> times = acks.stream().mapToLong(Ack::atNanos).filter(a -> a >= faultAt).sorted().boxed().toList();
            long before = acks.stream().mapToLong(Ack::atNanos).filter(a -> a < faultAt).max().orElse(faultAt);
            long worst = 0;
            long prev = before;
            for (long a : times) {
                worst = Math.max(worst, a - prev);
                prev = a;
                if (a > resumedAt) break;
            }
            double gap = worst / 1e9;
            gaps.add(gap);
            long waitLeader = System.nanoTime() + 30_000_000_000L;
            while (cluster.leader().isEmpty() && System.nanoTime() < waitLeader) Thread.sleep(20);
            System.out.printf("trial %d: %s on %s, writes resumed on %s after %.2f s%n", t,
                    kill.equals("node") ? "kill -9 agent+postgres" : kill.equals("postgres") ? "kill -9 postgres"
                            : kill.equals("hang") ? "SIGSTOP every postgres process" : "switchover",
                    cluster.name(leader),
                    cluster.leader().map(cluster::name).orElse("?"), gap);
            if (kill.equals("node")) cluster.start(leader);
        }
        waitHealthy(cluster);
        Thread.sleep(500);
        stop.set(true);
        writer.join();
        Set<Integer> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props);
             ResultSet rs = c.createStatement().executeQuery("SELECT id FROM bench")) {
            while (rs.next()) present.add(rs.getInt(1));
        }
        long lost = acks.stream().filter(a -> !present.contains(a.id())).count();
        Collections.sort(gaps);
        System.out.printf("write unavailability over %d trials (%s, writer via %s): median %.2f s, min %.2f s, max %.2f s;"
                        + " acknowledged writes %d, lost %d%n", trials, kill, via, gaps.get(gaps.size() / 2), gaps.get(0),
                gaps.get(gaps.size() - 1), acks.size(), lost);
    }

    static final int HAPROXY_PORT = 14900;
    static final int DNS_PORT = 14953;

    /** The primary's node from the CNAME the leader maintains, each answer kept for its TTL. */
    static final class DnsLookup {
        private final org.xbill.DNS.SimpleResolver resolver;
        private final org.xbill.DNS.Name name;
        private int node = -1;
        private long validUntil;

        DnsLookup(int port, String name) throws Exception {
            this.resolver = new org.xbill.DNS.SimpleResolver(new java.net.InetSocketAddress("127.0.0.1", port));
            resolver.setTimeout(java.time.Duration.ofSeconds(1));
            this.name = org.xbill.DNS.Name.fromString(name);
        }

        int node() throws Exception {
            if (node >= 0 && System.nanoTime() < validUntil) return node;
            var query = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(name, org.xbill.DNS.Type.CNAME, org.xbill.DNS.DClass.IN));
            for (var r : resolver.send(query).getSection(org.xbill.DNS.Section.ANSWER)) {
                if (r instanceof org.xbill.DNS.CNAMERecord c) {
                    String target = c.getTarget().toString(); // nodeN.pgha.test.
                    node = Integer.parseInt(target.substring(4, target.indexOf('.'))) - 1;
                    validUntil = System.nanoTime() + r.getTTL() * 1_000_000_000L;
                    return node;
                }
            }
            throw new IllegalStateException(name + " has no CNAME yet");
        }
    }

    /** HAProxy with the config pgha prints for this cluster, on loopback only. */
    static long rssKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    static Process startHaproxy(LocalCluster cluster, Path dir, int port) throws Exception {
        List<io.pgha.routing.HaproxyConfig.Node> nodes = new ArrayList<>();
        var members = cluster.snapshot().members();
        for (int i = 0; i < cluster.size(); i++) nodes.add(io.pgha.routing.HaproxyConfig.Node.of(members.get(cluster.name(i))));
        String config = io.pgha.routing.HaproxyConfig.render(cluster.cluster(), nodes, port, port + 1)
                .replace("bind *:", "bind 127.0.0.1:").replaceAll("(?m)^\\s*log .*$", "");
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        Process p = new ProcessBuilder("/usr/sbin/haproxy", "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", cluster.superuserPassword());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props)) {
                return p;
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("HAProxy does not route to the primary: " + e.getMessage());
                Thread.sleep(100);
            }
        }
    }

    /** Every process of node i's PostgreSQL stopped, the postmaster first so it forks nothing new. */
    static void hang(LocalCluster cluster, int i) throws Exception {
        ProcessHandle postmaster = cluster.postmaster(i).orElseThrow();
        LocalCluster.signal(postmaster.pid(), "STOP");
        for (ProcessHandle child : postmaster.descendants().toList()) LocalCluster.signal(child.pid(), "STOP");
    }

    static void waitHealthy(LocalCluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!cluster.healthy()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("cluster not healthy within 120 s");
            Thread.sleep(50);
        }
    }
}
