package io.pgha.demo;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.ZookeeperStore;
import io.pgha.postgres.PgState;
import io.pgha.postgres.Processes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * N agents on this machine, each a separate OS process with its own PostgreSQL and embedded ZooKeeper
 * peer, on loopback. Used by {@code pgha demo}, the integration tests and the benchmarks. Stops exactly
 * what it started, by PID.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String cluster;
    private final int nodes;
    private final int portBase;
    private final List<String> javaCommand;
    private final Map<String, String> haSettings;
    private final Process[] agents;
    private java.util.function.IntFunction<String> extraConfig = i -> "";
    private java.util.function.IntFunction<String> hosts = i -> HOST;
    private String clientCidrs = "[127.0.0.0/8]";
    private java.util.function.IntFunction<List<String>> launchPrefix = i -> List.of();
    private ZookeeperStore store;
    private final java.util.Set<Long> frozen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param portBase node i uses PostgreSQL port base+i, ZooKeeper client/quorum/election ports
     *                 base+100+i, base+200+i, base+300+i, API port base+400+i, and proxy ports
     *                 base+500+i (read-write) and base+600+i (read-only)
     */
    public LocalCluster(Path dir, String cluster, int nodes, int portBase, List<String> javaCommand,
                        Map<String, String> haSettings) {
        this.dir = dir;
        this.cluster = cluster;
        this.nodes = nodes;
        this.portBase = portBase;
        this.javaCommand = List.copyOf(javaCommand);
        this.haSettings = new TreeMap<>(haSettings);
        this.agents = new Process[nodes];
    }

    /**
     * A small footprint: the agent needs little heap, and one JIT tier is plenty for its loop. The same file
     * gives the launcher its options for {@code pgha agent}, so production runs what the benchmarks measured.
     */
    public static final List<String> AGENT_JVM_OPTIONS = agentJvmOptions();

    private static List<String> agentJvmOptions() {
        try (var in = LocalCluster.class.getResourceAsStream("/io/pgha/agent/jvm.options")) {
            if (in == null) throw new IllegalStateException("io/pgha/agent/jvm.options is missing from the classpath");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The java command that starts an agent with this JVM's classpath and small-footprint settings. */
    public static List<String> defaultJavaCommand() {
        return javaCommand(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    }

    /**
     * Copies this JVM's jars into {@code libDir} and returns the command that starts agents from there,
     * so rebuilding the project while the cluster runs cannot pull classes out from under its agents.
     */
    public static List<String> privateJavaCommand(Path libDir) throws IOException {
        Files.createDirectories(libDir);
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                Path copy = libDir.resolve(p.getFileName());
                Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return javaCommand(String.join(java.io.File.pathSeparator, entries));
    }

    private static List<String> javaCommand(String cp) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        String opts = System.getenv("PGHA_AGENT_JAVA_OPTS");
        cmd.addAll(opts != null && !opts.isBlank() ? List.of(opts.trim().split("\\s+")) : AGENT_JVM_OPTIONS);
        cmd.addAll(List.of("-cp", cp, "io.pgha.Main"));
        return cmd;
    }

    /** ZooKeeper needs an odd quorum: three peers, or one when the cluster has fewer than three nodes. */
    private int zkPeers() {
        return nodes >= 3 ? 3 : 1;
    }

    /** More YAML for node i's config (top-level sections such as dns: or callbacks:). */
    public LocalCluster withExtraConfig(java.util.function.IntFunction<String> extra) {
        this.extraConfig = extra;
        return this;
    }

    /**
     * Gives node i its own address (e.g. inside a network namespace) and a command prefix to start its
     * agent there (e.g. {@code ip netns exec ns-i}); by default every node is on 127.0.0.1.
     */
    public LocalCluster withNodeHosts(java.util.function.IntFunction<String> hosts,
                                      java.util.function.IntFunction<List<String>> launchPrefix) {
        this.hosts = hosts;
        this.launchPrefix = launchPrefix;
        return this;
    }

    /** The YAML list of client CIDRs every node allows, e.g. "[127.0.0.0/8, 10.77.0.0/24]". */
    public LocalCluster withClientCidrs(String yamlList) {
        this.clientCidrs = yamlList;
        return this;
    }

    public String host(int i) {
        return hosts.apply(i);
    }

    public int apiPort(int i) {
        return portBase + 400 + i;
    }

    public int proxyPort(int i) {
        return portBase + 500 + i;
    }

    public int readOnlyProxyPort(int i) {
        return portBase + 600 + i;
    }

    public Path apiTokenFile() {
        return dir.resolve("secrets/api.token");
    }

    /** libpq multi-host URL over every node's read-write proxy port. */
    public String proxyUrl() {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < nodes; i++) hosts.add(host(i) + ":" + proxyPort(i));
        return "postgresql://postgres@" + String.join(",", hosts) + "/postgres?connect_timeout=2";
    }

    public Path dir() {
        return dir;
    }

    public String cluster() {
        return cluster;
    }

    public int size() {
        return nodes;
    }

    public String name(int i) {
        return "node" + (i + 1);
    }

    public int pgPort(int i) {
        return portBase + i;
    }

    public Path nodeDir(int i) {
        return dir.resolve(name(i));
    }

    public Path dataDir(int i) {
        return nodeDir(i).resolve("data");
    }

    public Path configFile(int i) {
        return nodeDir(i).resolve("pgha.yaml");
    }

    public Path agentLog(int i) {
        return nodeDir(i).resolve("agent.log");
    }

    public Path superuserPasswordFile() {
        return dir.resolve("secrets/superuser.password");
    }

    public String zkConnect() {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < zkPeers(); i++) hosts.add(host(i) + ":" + (portBase + 100 + i));
        return String.join(",", hosts);
    }

    /** libpq multi-host URL that reaches whichever node is the primary. */
    public String connectionUrl() {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < nodes; i++) hosts.add(host(i) + ":" + pgPort(i));
        return "postgresql://postgres@" + String.join(",", hosts) + "/postgres?target_session_attrs=read-write&connect_timeout=2";
    }

    /** pgjdbc URL with the same meaning as {@link #connectionUrl()}. */
    public String jdbcUrl() {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < nodes; i++) hosts.add(host(i) + ":" + pgPort(i));
        return "jdbc:postgresql://" + String.join(",", hosts) + "/postgres?targetServerType=primary&connectTimeout=2&loginTimeout=4";
    }

    public String superuserPassword() throws IOException {
        return Files.readString(superuserPasswordFile()).strip();
    }

    /** Refuses ports that are taken, so a second demo never collides with the first. */
    public List<String> busyPorts() {
        List<String> busy = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            for (int p : new int[] {pgPort(i), portBase + 100 + i, portBase + 200 + i, portBase + 300 + i, apiPort(i),
                    proxyPort(i), readOnlyProxyPort(i)}) {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(HOST, p));
                } catch (IOException e) {
                    busy.add(HOST + ":" + p);
                }
            }
        }
        return busy;
    }

    public void writeConfigs() throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secrets = dir.resolve("secrets");
        Files.createDirectories(secrets);
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        writeSecret(superuserPasswordFile());
        writeSecret(secrets.resolve("replication.password"));
        writeSecret(apiTokenFile());
        Files.writeString(dir.resolve("pgpass"), "*:*:*:postgres:" + superuserPassword() + "\n");
        Files.setPosixFilePermissions(dir.resolve("pgpass"), PosixFilePermissions.fromString("rw-------"));
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < zkPeers(); i++) {
            peers.append("      - {name: ").append(name(i)).append(", host: ").append(host(i))
                    .append(", client_port: ").append(portBase + 100 + i)
                    .append(", quorum_port: ").append(portBase + 200 + i)
                    .append(", election_port: ").append(portBase + 300 + i).append("}\n");
        }
        StringBuilder ha = new StringBuilder();
        haSettings.forEach((k, v) -> ha.append("  ").append(k).append(": ").append(v).append('\n'));
        for (int i = 0; i < nodes; i++) {
            Files.createDirectories(nodeDir(i));
            Files.setPosixFilePermissions(nodeDir(i), PosixFilePermissions.fromString("rwxr-xr-x"));
            String yaml = "cluster: " + cluster + "\n"
                    + "name: " + name(i) + "\n"
                    + "host: " + host(i) + "\n"
                    + "postgres:\n"
                    + "  data_dir: " + dataDir(i) + "\n"
                    + "  port: " + pgPort(i) + "\n"
                    + "  superuser_password_file: " + superuserPasswordFile() + "\n"
                    + "  replication_password_file: " + secrets.resolve("replication.password") + "\n"
                    + "  allowed_client_cidrs: " + clientCidrs + "\n"
                    + "  parameters: {shared_buffers: 32MB, max_connections: 50}\n"
                    + "api:\n"
                    + "  listen: " + host(i) + ":" + apiPort(i) + "\n"
                    + "  token_file: " + apiTokenFile() + "\n"
                    + "proxy:\n"
                    + "  read_write_port: " + proxyPort(i) + "\n"
                    + "  read_only_port: " + readOnlyProxyPort(i) + "\n"
                    + "dcs:\n"
                    + "  zookeeper:\n"
                    + "    embedded: true\n"
                    + "    data_dir: " + nodeDir(i).resolve("zookeeper") + "\n"
                    + "    peers:\n" + peers
                    + (ha.isEmpty() ? "" : "ha:\n" + ha)
                    + extraConfig.apply(i);
            Files.writeString(configFile(i), yaml);
        }
    }

    private static void writeSecret(Path file) throws IOException {
        if (Files.exists(file)) return;
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, HexFormat.of().formatHex(b) + "\n");
    }

    public void startAll() throws IOException {
        for (int i = 0; i < nodes; i++) start(i);
    }

    public void start(int i) throws IOException {
        if (agents[i] != null && agents[i].isAlive()) throw new IllegalStateException(name(i) + " is running");
        List<String> cmd = new ArrayList<>(launchPrefix.apply(i));
        cmd.addAll(javaCommand);
        cmd.addAll(List.of("agent", "-c", configFile(i).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // glibc's per-thread malloc arenas would cost the small agent more than its Java heap
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        agents[i] = pb
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(agentLog(i).toFile()))
                .start();
    }

    public Optional<Process> agent(int i) {
        return Optional.ofNullable(agents[i]).filter(Process::isAlive);
    }

    /** The postmaster PID of node i, from its data directory, when it runs. */
    public Optional<ProcessHandle> postmaster(int i) {
        try {
            List<String> lines = Files.readAllLines(dataDir(i).resolve("postmaster.pid"));
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(Processes::isRunning);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** kill -9 of node i's agent (its ZooKeeper peer dies with it) and of its PostgreSQL, at the same instant. */
    public void killNode(int i) throws InterruptedException {
        Optional<ProcessHandle> pm = postmaster(i);
        Process agent = agents[i];
        if (agent != null) agent.destroyForcibly();
        pm.ifPresent(ProcessHandle::destroyForcibly);
        if (agent != null) agent.waitFor(10, TimeUnit.SECONDS);
        pm.ifPresent(this::kill9);
    }

    public void killAgent(int i) throws InterruptedException {
        Process p = agents[i];
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM to node i's agent: it stops its PostgreSQL and releases the lease, then exits. */
    public void stopAgent(int i) throws InterruptedException {
        Process p = agents[i];
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException(name(i) + "'s agent did not stop within 60 s");
        }
    }

    /** SIGSTOP of node i's agent alone, the way a long GC pause or a stuck disk freezes it. */
    public void freezeAgent(int i) throws IOException, InterruptedException {
        Process p = agents[i];
        if (p == null || !p.isAlive()) throw new IllegalStateException(name(i) + "'s agent is not running");
        signal(p.pid(), "STOP");
        frozen.add(p.pid());
    }

    public void thawAgent(int i) throws IOException, InterruptedException {
        Process p = agents[i];
        if (p != null && frozen.remove(p.pid())) signal(p.pid(), "CONT");
    }

    /** kill -SIG pid, without a shell; fails with kill's own message. */
    public static void signal(long pid, String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(k.getInputStream().readAllBytes());
        if (k.waitFor() != 0) throw new IOException("kill -" + sig + " " + pid + " failed: " + out.strip());
    }

    /** kill -9 of node i's postmaster alone; the agent lives on. */
    public void killPostgres(int i) {
        postmaster(i).ifPresent(this::kill9);
    }

    private void kill9(ProcessHandle h) {
        h.destroyForcibly();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Processes.isRunning(h) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public ClusterSnapshot snapshot() throws StoreException {
        if (store == null) {
            ZookeeperStore s = ZookeeperStore.forClient(zkConnect(), cluster, Duration.ofSeconds(20));
            s.start(Duration.ofSeconds(60));
            store = s;
        }
        return store.snapshot();
    }

    /** Every promotion the store recorded, oldest first. */
    public List<io.pgha.dcs.HistoryEntry> history() throws StoreException {
        snapshot();
        return store.history();
    }

    /** The leader's index, when one holds the lease and runs as primary. */
    public Optional<Integer> leader() throws StoreException {
        return leader(snapshot());
    }

    private static Optional<Integer> leader(ClusterSnapshot s) {
        if (s.leader() == null) return Optional.empty();
        Member m = s.members().get(s.leader().holder());
        if (m == null || !Member.LEADER.equals(m.role())) return Optional.empty();
        return Optional.of(Integer.parseInt(s.leader().holder().substring(4)) - 1);
    }

    /** One leader and every other member streaming from it, as the store and PostgreSQL itself both say. */
    public boolean healthy() {
        return healthy(n -> true);
    }

    public boolean healthy(Predicate<Integer> include) {
        try {
            ClusterSnapshot s = snapshot();
            Optional<Integer> lead = leader(s);
            if (lead.isEmpty()) return false;
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                if (!include.test(i) || i == lead.get()) continue;
                Member m = s.members().get(name(i));
                Member leaderRecord = s.members().get(s.leader().holder());
                if (m == null || !s.isAlive(name(i)) || m.state() != PgState.STREAMING
                        || !s.leader().holder().equals(m.upstream()) || m.timeline() < leaderRecord.timeline()) return false;
                expected.add(name(i));
            }
            return primaryServes(lead.get(), expected);
        } catch (StoreException e) {
            return false;
        }
    }

    /** Asks node i's PostgreSQL: a primary, with {@code standbys} streaming from it. */
    private boolean primaryServes(int i, List<String> standbys) {
        java.util.Properties p = new java.util.Properties();
        try {
            p.setProperty("user", "postgres");
            p.setProperty("password", superuserPassword());
            p.setProperty("connectTimeout", "2");
            p.setProperty("socketTimeout", "5");
            try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + host(i) + ":" + pgPort(i) + "/postgres", p);
                 var st = c.createStatement();
                 var rs = st.executeQuery("SELECT pg_is_in_recovery(), ARRAY(SELECT application_name FROM pg_stat_replication"
                         + " WHERE state = 'streaming')")) {
                rs.next();
                if (rs.getBoolean(1)) return false;
                List<String> streaming = List.of((String[]) rs.getArray(2).getArray());
                return streaming.containsAll(standbys);
            }
        } catch (IOException | java.sql.SQLException e) {
            return false;
        }
    }

    /** Stops every agent (SIGTERM, then SIGKILL), then any PostgreSQL of ours still running. */
    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
        }
        for (long pid : List.copyOf(frozen)) {
            try {
                signal(pid, "CONT");
            } catch (IOException e) {
                // gone already
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        frozen.clear();
        for (Process p : agents) if (p != null && p.isAlive()) p.destroy();
        for (Process p : agents) {
            if (p == null) continue;
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = 0; i < nodes; i++) killPostgres(i);
    }

    /** Removes the cluster's directory; only after {@link #close()}. */
    public void deleteFiles() throws IOException {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
