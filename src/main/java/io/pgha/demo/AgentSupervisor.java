package io.pgha.demo;

import io.pgha.postgres.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link LocalCluster}'s processes: on each store node a {@code pgha store} process (the ZooKeeper peer),
 * on every node a {@code pgha agent}, and through the agent its PostgreSQL; stops, kills, freezes and thaws them,
 * always by the PID it started or read from the data directory. Both kinds are restarted when they end by
 * themselves ({@link NodeProcesses}), as their own service units would be.
 */
final class AgentSupervisor {
    private final LocalCluster cluster;
    private final NodeProcesses agents;
    private final NodeProcesses stores;

    AgentSupervisor(LocalCluster cluster, List<String> javaCommand) {
        this.cluster = cluster;
        this.agents = new NodeProcesses("agent", "agent", cluster, javaCommand, cluster::agentLog);
        this.stores = new NodeProcesses("store process", "store", cluster, AgentCommand.forStore(javaCommand), cluster::storeLog);
    }

    /** Starts node i: its store process first when it hosts one and it is not running, then its agent. */
    void start(int i, List<String> launchPrefix) throws IOException {
        if (cluster.hostsStore(i) && stores.process(i).isEmpty()) startStore(i, launchPrefix);
        agents.start(i, launchPrefix);
    }

    void startStore(int i, List<String> launchPrefix) throws IOException {
        if (!cluster.hostsStore(i)) throw new IllegalArgumentException(cluster.name(i) + " hosts no store peer");
        stores.start(i, launchPrefix);
    }

    /** Node i's agent and store process run {@code javaCommand}'s build from their next start. */
    void useJavaCommand(int i, List<String> javaCommand) {
        agents.useJavaCommand(i, javaCommand);
        stores.useJavaCommand(i, AgentCommand.forStore(javaCommand));
    }

    Optional<Process> agent(int i) {
        return agents.process(i);
    }

    Optional<Process> store(int i) {
        return stores.process(i);
    }

    Optional<ProcessHandle> postmaster(int i) {
        try {
            List<String> lines = Files.readAllLines(cluster.dataDir(i).resolve("postmaster.pid"));
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(Processes::isRunning);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A node crash: kill -9 of its agent, its store process and its PostgreSQL at the same instant. */
    void killNode(int i) throws InterruptedException {
        Optional<ProcessHandle> pm = postmaster(i);
        Process agent = agents.unsupervise(i);
        Process store = stores.unsupervise(i);
        if (agent != null) agent.destroyForcibly();
        if (store != null) store.destroyForcibly();
        pm.ifPresent(ProcessHandle::destroyForcibly);
        if (agent != null) agent.waitFor(10, TimeUnit.SECONDS);
        if (store != null) store.waitFor(10, TimeUnit.SECONDS);
        pm.ifPresent(AgentSupervisor::kill9);
    }

    void killAgent(int i) throws InterruptedException {
        agents.kill(i);
    }

    void stopAgent(int i) throws InterruptedException {
        agents.stop(i);
    }

    void freezeAgent(int i) throws IOException, InterruptedException {
        agents.freeze(i);
    }

    void thawAgent(int i) throws IOException, InterruptedException {
        agents.thaw(i);
    }

    void stopStore(int i) throws InterruptedException {
        stores.stop(i);
    }

    void killStore(int i) throws InterruptedException {
        stores.kill(i);
    }

    void freezeStore(int i) throws IOException, InterruptedException {
        stores.freeze(i);
    }

    void thawStore(int i) throws IOException, InterruptedException {
        stores.thaw(i);
    }

    static void signal(long pid, String sig) throws IOException, InterruptedException {
        NodeProcesses.signal(pid, sig);
    }

    void killPostgres(int i) {
        postmaster(i).ifPresent(AgentSupervisor::kill9);
    }

    private static void kill9(ProcessHandle h) {
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

    /** Stops every agent (they stop PostgreSQL and release the lease, which needs the store), then the stores, then any PostgreSQL left. */
    void stopAll() {
        agents.stopAll();
        stores.stopAll();
        for (int i = 0; i < cluster.size(); i++) killPostgres(i);
    }
}
