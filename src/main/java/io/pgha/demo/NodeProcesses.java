package io.pgha.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One kind of pgha process per node (the agents, or the store processes), started, stopped, killed, frozen and thawed
 * by the PID it started. Like a service manager (systemd's {@code Restart=on-failure}), it starts a process again a
 * second after it ended by itself (the watchdog ends an agent frozen for good; a store whose peer died exits), unless
 * it ended during its first seconds: a start-up failure is not retried.
 */
final class NodeProcesses {
    static final long RESTART_DELAY_MILLIS = 1000;
    static final long START_UP_MILLIS = 5000;

    private final String what;
    private final String subcommand;
    private final LocalCluster cluster;
    private final List<String>[] javaCommands;
    private final IntFunction<Path> log;
    private final Process[] processes;
    private final List<String>[] launchPrefixes;
    private final boolean[] supervised;
    private final Map<Integer, Long> frozen = new ConcurrentHashMap<>();

    /** @param what how the supervisor's notes name it ("agent", "store process") */
    @SuppressWarnings("unchecked")
    NodeProcesses(String what, String subcommand, LocalCluster cluster, List<String> javaCommand, IntFunction<Path> log) {
        this.what = what;
        this.subcommand = subcommand;
        this.cluster = cluster;
        this.log = log;
        this.javaCommands = new List[cluster.size()];
        Arrays.fill(javaCommands, List.copyOf(javaCommand));
        this.processes = new Process[cluster.size()];
        this.launchPrefixes = new List[cluster.size()];
        this.supervised = new boolean[cluster.size()];
    }

    /** Node i's next start runs this command (another build of pgha: a package upgrade). */
    synchronized void useJavaCommand(int i, List<String> javaCommand) {
        javaCommands[i] = List.copyOf(javaCommand);
    }

    /** Starts node i's process behind {@code launchPrefix} (e.g. {@code ip netns exec ns-i}), its output appended to its log. */
    synchronized void start(int i, List<String> launchPrefix) throws IOException {
        if (processes[i] != null && processes[i].isAlive()) throw new IllegalStateException(cluster.name(i) + "'s " + what + " is running");
        List<String> cmd = new ArrayList<>(launchPrefix);
        cmd.addAll(javaCommands[i]);
        cmd.addAll(List.of(subcommand, "-c", cluster.configFile(i).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // glibc's per-thread malloc arenas would cost a small JVM more than its Java heap
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.apply(i).toFile())).start();
        processes[i] = p;
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
                if (!supervised[i] || processes[i] != p) return;
                if (lived < START_UP_MILLIS) {
                    note(i, "the " + what + " ended during its start-up (exit " + p.exitValue() + "): not starting it again");
                    return;
                }
                note(i, "the " + what + " ended by itself (exit " + p.exitValue() + "): starting it again");
                frozen.remove(i);
                start(i, launchPrefixes[i]);
            }
        } catch (IOException e) {
            note(i, "cannot start the " + what + " again: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void note(int i, String line) {
        try {
            Files.writeString(log.apply(i), "[supervisor] " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is a courtesy; the restart decision does not depend on it
        }
    }

    /** This node's process is being stopped on purpose: it is not started again when it ends. */
    synchronized Process unsupervise(int i) {
        supervised[i] = false;
        return processes[i];
    }

    synchronized Optional<Process> process(int i) {
        return Optional.ofNullable(processes[i]).filter(Process::isAlive);
    }

    /** kill -9, and wait for it to be gone. */
    void kill(int i) throws InterruptedException {
        Process p = unsupervise(i);
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, and wait for it to end by itself. */
    void stop(int i) throws InterruptedException {
        Process p = unsupervise(i);
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS))
                throw new IllegalStateException(cluster.name(i) + "'s " + what + " did not stop within 60 s");
        }
    }

    synchronized void freeze(int i) throws IOException, InterruptedException {
        Process p = processes[i];
        if (p == null || !p.isAlive()) throw new IllegalStateException(cluster.name(i) + "'s " + what + " is not running");
        signal(p.pid(), "STOP");
        frozen.put(i, p.pid());
    }

    /** SIGCONT to what was frozen, unless it is gone already (the watchdog ends an agent frozen for good). */
    void thaw(int i) throws IOException, InterruptedException {
        Long pid = frozen.remove(i);
        if (pid != null && ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()) signal(pid, "CONT");
    }

    /** kill -SIG pid, without a shell; fails with kill's own message. */
    static void signal(long pid, String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(k.getInputStream().readAllBytes());
        if (k.waitFor() != 0) throw new IOException("kill -" + sig + " " + pid + " failed: " + out.strip());
    }

    /** Thaws what it froze and stops every process (SIGTERM, then SIGKILL after 30 s). */
    void stopAll() {
        for (int i = 0; i < processes.length; i++) unsupervise(i);
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
        for (Process p : processes) if (p != null && p.isAlive()) p.destroy();
        for (Process p : processes) {
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
    }
}
