package io.pgha.demo;

import io.pgha.postgres.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts a {@link LocalCluster}'s agent processes and stops, kills, freezes and thaws them and their PostgreSQL,
 * always by the PID it started or read from the data directory.
 */
final class AgentSupervisor {
    private final LocalCluster cluster;
    private final List<String> javaCommand;
    private final Process[] agents;
    private final Set<Long> frozen = ConcurrentHashMap.newKeySet();

    AgentSupervisor(LocalCluster cluster, List<String> javaCommand) {
        this.cluster = cluster;
        this.javaCommand = List.copyOf(javaCommand);
        this.agents = new Process[cluster.size()];
    }

    /** Starts node i's agent behind {@code launchPrefix} (e.g. {@code ip netns exec ns-i}), its output appended to its log. */
    void start(int i, List<String> launchPrefix) throws IOException {
        if (agents[i] != null && agents[i].isAlive()) throw new IllegalStateException(cluster.name(i) + " is running");
        List<String> cmd = new ArrayList<>(launchPrefix);
        cmd.addAll(javaCommand);
        cmd.addAll(List.of("agent", "-c", cluster.configFile(i).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // glibc's per-thread malloc arenas would cost the small agent more than its Java heap
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        agents[i] = pb
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(cluster.agentLog(i).toFile()))
                .start();
    }

    Optional<Process> agent(int i) {
        return Optional.ofNullable(agents[i]).filter(Process::isAlive);
    }

    Optional<ProcessHandle> postmaster(int i) {
        try {
            List<String> lines = Files.readAllLines(cluster.dataDir(i).resolve("postmaster.pid"));
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(Processes::isRunning);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void killNode(int i) throws InterruptedException {
        Optional<ProcessHandle> pm = postmaster(i);
        Process agent = agents[i];
        if (agent != null) agent.destroyForcibly();
        pm.ifPresent(ProcessHandle::destroyForcibly);
        if (agent != null) agent.waitFor(10, TimeUnit.SECONDS);
        pm.ifPresent(AgentSupervisor::kill9);
    }

    void killAgent(int i) throws InterruptedException {
        Process p = agents[i];
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    void stopAgent(int i) throws InterruptedException {
        Process p = agents[i];
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(cluster.name(i) + "'s agent did not stop within 60 s");
            }
        }
    }

    void freezeAgent(int i) throws IOException, InterruptedException {
        Process p = agents[i];
        if (p == null || !p.isAlive()) throw new IllegalStateException(cluster.name(i) + "'s agent is not running");
        signal(p.pid(), "STOP");
        frozen.add(p.pid());
    }

    void thawAgent(int i) throws IOException, InterruptedException {
        Process p = agents[i];
        if (p != null && frozen.remove(p.pid())) signal(p.pid(), "CONT");
    }

    /** kill -SIG pid, without a shell; fails with kill's own message. */
    static void signal(long pid, String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(k.getInputStream().readAllBytes());
        if (k.waitFor() != 0) throw new IOException("kill -" + sig + " " + pid + " failed: " + out.strip());
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

    /** Thaws what it froze, stops every agent (SIGTERM, then SIGKILL), then any PostgreSQL of ours still running. */
    void stopAll() {
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
        for (int i = 0; i < agents.length; i++) killPostgres(i);
    }
}
