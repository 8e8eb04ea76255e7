package io.pgha.demo;

import io.pgha.postgres.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts a {@link LocalCluster}'s agent processes and stops, kills, freezes and thaws them and their PostgreSQL,
 * always by the PID it started or read from the data directory. Like a service manager (systemd's
 * {@code Restart=on-failure}), it starts an agent again a second after it ended by itself (the watchdog ends an
 * agent frozen for good), unless it ended during its first seconds: a start-up failure is not retried.
 */
final class AgentSupervisor {
    static final long RESTART_DELAY_MILLIS = 1000;
    static final long START_UP_MILLIS = 5000;

    private final LocalCluster cluster;
    private final List<String> javaCommand;
    private final Process[] agents;
    private final List<String>[] launchPrefixes;
    private final boolean[] supervised;
    private final Map<Integer, Long> frozen = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    AgentSupervisor(LocalCluster cluster, List<String> javaCommand) {
        this.cluster = cluster;
        this.javaCommand = List.copyOf(javaCommand);
        this.agents = new Process[cluster.size()];
        this.launchPrefixes = new List[cluster.size()];
        this.supervised = new boolean[cluster.size()];
    }

    /** Starts node i's agent behind {@code launchPrefix} (e.g. {@code ip netns exec ns-i}), its output appended to its log. */
    synchronized void start(int i, List<String> launchPrefix) throws IOException {
        if (agents[i] != null && agents[i].isAlive()) throw new IllegalStateException(cluster.name(i) + " is running");
        List<String> cmd = new ArrayList<>(launchPrefix);
        cmd.addAll(javaCommand);
        cmd.addAll(List.of("agent", "-c", cluster.configFile(i).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // glibc's per-thread malloc arenas would cost the small agent more than its Java heap
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        Process p = pb
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(cluster.agentLog(i).toFile()))
                .start();
        agents[i] = p;
        launchPrefixes[i] = List.copyOf(launchPrefix);
        supervised[i] = true;
        long startedAt = System.nanoTime();
        p.onExit().thenRun(() -> Thread.ofVirtual().start(() -> restartIfItEndedByItself(i, p, startedAt)));
    }

    private void restartIfItEndedByItself(int i, Process p, long startedAt) {
        long lived = (System.nanoTime() - startedAt) / 1_000_000;
        try {
            Thread.sleep(RESTART_DELAY_MILLIS);
            synchronized (this) {
                if (!supervised[i] || agents[i] != p) return;
                if (lived < START_UP_MILLIS) {
                    note(i, "the agent ended during its start-up (exit " + p.exitValue() + "): not starting it again");
                    return;
                }
                note(i, "the agent ended by itself (exit " + p.exitValue() + "): starting it again");
                frozen.remove(i);
                start(i, launchPrefixes[i]);
            }
        } catch (IOException e) {
            note(i, "cannot start the agent again: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void note(int i, String line) {
        try {
            Files.writeString(cluster.agentLog(i), "[supervisor] " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is a courtesy; the restart decision does not depend on it
        }
    }

    /** This node's agent is being stopped on purpose: it is not started again when it ends. */
    private synchronized Process unsupervise(int i) {
        supervised[i] = false;
        return agents[i];
    }

    synchronized Optional<Process> agent(int i) {
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
        Process agent = unsupervise(i);
        if (agent != null) agent.destroyForcibly();
        pm.ifPresent(ProcessHandle::destroyForcibly);
        if (agent != null) agent.waitFor(10, TimeUnit.SECONDS);
        pm.ifPresent(AgentSupervisor::kill9);
    }

    void killAgent(int i) throws InterruptedException {
        Process p = unsupervise(i);
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    void stopAgent(int i) throws InterruptedException {
        Process p = unsupervise(i);
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(cluster.name(i) + "'s agent did not stop within 60 s");
            }
        }
    }

    synchronized void freezeAgent(int i) throws IOException, InterruptedException {
        Process p = agents[i];
        if (p == null || !p.isAlive()) throw new IllegalStateException(cluster.name(i) + "'s agent is not running");
        signal(p.pid(), "STOP");
        frozen.put(i, p.pid());
    }

    /** SIGCONT to what was frozen, unless it is gone already (the watchdog ends an agent frozen for good). */
    void thawAgent(int i) throws IOException, InterruptedException {
        Long pid = frozen.remove(i);
        if (pid != null && ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()) signal(pid, "CONT");
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
        for (int i = 0; i < agents.length; i++) unsupervise(i);
        for (long pid : List.copyOf(frozen.values())) {
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
