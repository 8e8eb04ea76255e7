package io.pgha.demo;

import io.pgha.config.NodeConfig;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.HistoryEntry;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * N nodes on this machine, on loopback: each an agent process with its own PostgreSQL, and on the first three a
 * store process ({@code pgha store}) with that node's ZooKeeper peer. Used by {@code pgha demo}, the integration
 * tests and the benchmarks. Stops exactly what it started, by PID. This class knows the cluster's layout (names,
 * ports, paths, URLs); writing the configs, running the processes and asking the store are in
 * {@link ClusterConfigWriter}, {@link AgentSupervisor} and {@link ClusterQueries}.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String cluster;
    private final int nodes;
    private PortLayout ports;
    private final Map<String, String> haSettings;
    private final AgentSupervisor supervisor;
    private final ClusterQueries queries;
    private IntFunction<String> extraConfig = i -> "";
    private IntFunction<String> hosts = i -> HOST;
    private String clientCidrs = "[127.0.0.0/8]";
    private IntFunction<List<String>> launchPrefix = i -> List.of();
    private List<String> etcdEndpoints;

    /** @param portBase node i's ports are base+i (PostgreSQL), base+100+i, ... base+600+i: see {@link PortLayout} */
    public LocalCluster(Path dir, String cluster, int nodes, int portBase, List<String> javaCommand,
                        Map<String, String> haSettings) {
        this.dir = dir;
        this.cluster = cluster;
        this.nodes = nodes;
        this.ports = new PortLayout(portBase, 100);
        this.haSettings = new TreeMap<>(haSettings);
        this.supervisor = new AgentSupervisor(this, javaCommand);
        this.queries = new ClusterQueries(this);
    }

    /** The java command that starts an agent with this JVM's classpath and small-footprint settings. */
    public static List<String> defaultJavaCommand() {
        return AgentCommand.fromThisClasspath();
    }

    /**
     * Copies this JVM's jars into {@code libDir} and returns the command that starts agents from there,
     * so rebuilding the project while the cluster runs cannot pull classes out from under its agents.
     */
    public static List<String> privateJavaCommand(Path libDir) throws IOException {
        return AgentCommand.fromPrivateCopy(libDir);
    }

    /** ZooKeeper needs an odd quorum: three peers, or one when the cluster has fewer than three nodes. */
    int zkPeers() {
        return nodes >= 3 ? 3 : 1;
    }

    /** Whether node i runs a store process (a ZooKeeper peer); none with an external etcd. */
    public boolean hostsStore(int i) {
        return etcdEndpoints == null && i < zkPeers();
    }

    /** Packs the ports closer ({@link PortLayout}): the cluster needs 6*stride + nodes ports from its base. */
    public LocalCluster withPortStride(int stride) {
        if (stride < nodes) throw new IllegalArgumentException("a port stride of " + stride + " is less than " + nodes + " nodes");
        this.ports = new PortLayout(ports.base(), stride);
        return this;
    }

    PortLayout ports() {
        return ports;
    }

    /** More YAML for node i's config (top-level sections such as dns: or callbacks:). */
    public LocalCluster withExtraConfig(IntFunction<String> extra) {
        this.extraConfig = extra;
        return this;
    }

    /**
     * Gives node i its own address (e.g. inside a network namespace) and a command prefix to start its
     * agent there (e.g. {@code ip netns exec ns-i}); by default every node is on 127.0.0.1.
     */
    public LocalCluster withNodeHosts(IntFunction<String> hosts, IntFunction<List<String>> launchPrefix) {
        this.hosts = hosts;
        this.launchPrefix = launchPrefix;
        return this;
    }

    /** Every node uses this external etcd (its client URLs) instead of the embedded ZooKeeper peers. */
    public LocalCluster withEtcd(List<String> endpoints) {
        this.etcdEndpoints = List.copyOf(endpoints);
        return this;
    }

    /** The store every node's config names. */
    public NodeConfig.Dcs dcs() {
        return etcdEndpoints == null ? Stores.fromAddress(zkConnect())
                : new NodeConfig.Dcs(null, new NodeConfig.Etcd(etcdEndpoints, null, null, null, null, null));
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
        return ports.api(i);
    }

    public int proxyPort(int i) {
        return ports.proxy(i);
    }

    public int readOnlyProxyPort(int i) {
        return ports.readOnlyProxy(i);
    }

    public Path apiTokenFile() {
        return dir.resolve("secrets/api.token");
    }

    /** libpq multi-host URL over every node's read-write proxy port. */
    public String proxyUrl() {
        return "postgresql://postgres@" + hostPorts(nodes, this::proxyPort) + "/postgres?connect_timeout=2";
    }

    private String hostPorts(int count, IntUnaryOperator port) {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) hosts.add(host(i) + ":" + port.applyAsInt(i));
        return String.join(",", hosts);
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
        return ports.pg(i);
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

    public Path storeLog(int i) {
        return nodeDir(i).resolve("store.log");
    }

    public Path superuserPasswordFile() {
        return dir.resolve("secrets/superuser.password");
    }

    public String zkConnect() {
        return hostPorts(zkPeers(), ports::zkClient);
    }

    /** libpq multi-host URL that reaches whichever node is the primary. */
    public String connectionUrl() {
        return "postgresql://postgres@" + hostPorts(nodes, this::pgPort) + "/postgres?target_session_attrs=read-write&connect_timeout=2";
    }

    /** pgjdbc URL with the same meaning as {@link #connectionUrl()}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostPorts(nodes, this::pgPort) + "/postgres?targetServerType=primary&connectTimeout=2&loginTimeout=4";
    }

    public String superuserPassword() throws IOException {
        return Files.readString(superuserPasswordFile()).strip();
    }

    /** Refuses ports that are taken, so a second demo never collides with the first. */
    public List<String> busyPorts() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < nodes; i++) all.addAll(ports.of(i));
        return Ports.busy(HOST, all);
    }

    public void writeConfigs() throws IOException {
        new ClusterConfigWriter(this, haSettings, clientCidrs, extraConfig).write();
    }

    public void startAll() throws IOException {
        for (int i = 0; i < nodes; i++) start(i);
    }

    /** Starts node i: its store process (when it hosts one and it is not running), then its agent. */
    public void start(int i) throws IOException {
        supervisor.start(i, launchPrefix.apply(i));
    }

    /** Node i's agent and store process run this build of pgha from their next start (a package upgrade). */
    public void useJavaCommand(int i, List<String> javaCommand) {
        supervisor.useJavaCommand(i, javaCommand);
    }

    public Optional<Process> agent(int i) {
        return supervisor.agent(i);
    }

    /** Node i's store process, when it runs (frozen counts as running). */
    public Optional<Process> store(int i) {
        return supervisor.store(i);
    }

    /** The postmaster PID of node i, from its data directory, when it runs. */
    public Optional<ProcessHandle> postmaster(int i) {
        return supervisor.postmaster(i);
    }

    /** A node crash: kill -9 of node i's agent, its store process and its PostgreSQL, at the same instant. */
    public void killNode(int i) throws InterruptedException {
        supervisor.killNode(i);
    }

    /** kill -9 of node i's agent alone: its PostgreSQL and its store process live on. */
    public void killAgent(int i) throws InterruptedException {
        supervisor.killAgent(i);
    }

    /** SIGTERM to node i's agent: it stops its PostgreSQL and releases the lease, then exits. */
    public void stopAgent(int i) throws InterruptedException {
        supervisor.stopAgent(i);
    }

    /** SIGSTOP of node i's agent alone, the way a long GC pause or a stuck disk freezes it. */
    public void freezeAgent(int i) throws IOException, InterruptedException {
        supervisor.freezeAgent(i);
    }

    public void thawAgent(int i) throws IOException, InterruptedException {
        supervisor.thawAgent(i);
    }

    /** SIGSTOP of node i's store process alone: its ZooKeeper peer stops answering, the agent lives on. */
    public void freezeStore(int i) throws IOException, InterruptedException {
        supervisor.freezeStore(i);
    }

    public void thawStore(int i) throws IOException, InterruptedException {
        supervisor.thawStore(i);
    }

    /** kill -9 of node i's store process alone; it is not restarted until {@link #startStore}. */
    public void killStore(int i) throws InterruptedException {
        supervisor.killStore(i);
    }

    /** SIGTERM to node i's store process, waiting for it to end; it is not restarted until {@link #startStore}. */
    public void stopStore(int i) throws InterruptedException {
        supervisor.stopStore(i);
    }

    public void startStore(int i) throws IOException {
        supervisor.startStore(i, launchPrefix.apply(i));
    }

    /** kill -SIG pid, without a shell; fails with kill's own message. */
    public static void signal(long pid, String sig) throws IOException, InterruptedException {
        AgentSupervisor.signal(pid, sig);
    }

    /** kill -9 of node i's postmaster alone; the agent lives on. */
    public void killPostgres(int i) {
        supervisor.killPostgres(i);
    }

    public ClusterSnapshot snapshot() throws StoreException {
        return queries.snapshot();
    }

    /** Every promotion the store recorded, oldest first. */
    public List<HistoryEntry> history() throws StoreException {
        return queries.history();
    }

    /** The leader's index, when one holds the lease and runs as primary. */
    public Optional<Integer> leader() throws StoreException {
        return ClusterQueries.leader(snapshot());
    }

    /** One leader and every other member streaming from it, as the store and PostgreSQL itself both say. */
    public boolean healthy() {
        return healthy(n -> true);
    }

    public boolean healthy(Predicate<Integer> include) {
        return queries.healthy(include);
    }

    /** Stops every agent (SIGTERM, then SIGKILL), then every store process, then any PostgreSQL of ours still running. */
    @Override
    public void close() {
        queries.close();
        supervisor.stopAll();
    }

    /** Removes the cluster's directory; only after {@link #close()}. */
    public void deleteFiles() throws IOException {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
