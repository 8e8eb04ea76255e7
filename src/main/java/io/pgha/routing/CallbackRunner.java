package io.pgha.routing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the user's callbacks the way Patroni does: the configured argv plus three arguments, the action
 * ({@code on_start}, {@code on_stop}, {@code on_role_change}), the new role and the cluster name. No shell
 * is involved. A callback that outlives its timeout is killed with its descendants. A failing callback is
 * logged and reported in the {@link Result}, never thrown: HA must go on whatever a callback does.
 */
public final class CallbackRunner {
    public static final Set<String> EVENTS = Set.of("on_start", "on_stop", "on_role_change");

    /** How long {@link #run} waits for a killed callback to exit, on top of the timeout. */
    public static final Duration KILL_WAIT = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(CallbackRunner.class);
    private static final Duration OUTPUT_DRAIN = Duration.ofMillis(200);
    private static final int MAX_LOGGED_LINE = 4000;

    public enum Outcome {
        /** No command is configured for the event. */
        NOT_CONFIGURED,
        /** The callback exited by itself; see {@link Result#exitCode()}. */
        EXITED,
        /** The callback ran past its timeout and was killed with its descendants. */
        TIMED_OUT,
        /** The program could not be started (missing, not executable). */
        NOT_STARTED,
        /** The caller's thread was interrupted; the callback was killed. */
        INTERRUPTED
    }

    /**
     * @param exitCode the callback's exit code when {@code outcome} is {@code EXITED}, else -1
     * @param pid the callback's PID, or -1 when none was started
     */
    public record Result(Outcome outcome, int exitCode, long pid) {
        public boolean succeeded() {
            return outcome == Outcome.EXITED && exitCode == 0;
        }

        public boolean timedOut() {
            return outcome == Outcome.TIMED_OUT;
        }
    }

    private final Map<String, List<String>> commands;
    private final Duration timeout;

    /**
     * @param commands argv per event; an event without an entry has no callback
     * @param timeout how long a callback may run before it is killed
     */
    public CallbackRunner(Map<String, List<String>> commands, Duration timeout) {
        Objects.requireNonNull(commands, "commands");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("callback timeout must be positive, got " + timeout);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        commands.forEach((event, argv) -> {
            requireKnown(event);
            if (argv == null || argv.isEmpty() || argv.stream().anyMatch(a -> a == null)
                    || argv.get(0).isBlank()) {
                throw new IllegalArgumentException("callback " + event + " needs a program and its arguments, got " + argv);
            }
            copy.put(event, List.copyOf(argv));
        });
        this.commands = Map.copyOf(copy);
        this.timeout = timeout;
    }

    /**
     * Runs the event's callback and waits for it, at most the timeout plus {@link #KILL_WAIT}.
     *
     * @throws IllegalArgumentException when {@code event} is not one of {@link #EVENTS}
     */
    public Result run(String event, String role, String cluster) {
        requireKnown(event);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(cluster, "cluster");
        List<String> configured = commands.get(event);
        if (configured == null) {
            return new Result(Outcome.NOT_CONFIGURED, -1, -1);
        }
        String program = configured.get(0);
        List<String> argv = new ArrayList<>(configured);
        argv.addAll(List.of(event, role, cluster));

        Process process;
        try {
            process = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            log.warn("callback {}: cannot start {}: {}", event, program, e.getMessage());
            return new Result(Outcome.NOT_STARTED, -1, -1);
        }
        long pid = process.pid();
        long started = System.nanoTime();
        Thread output = Thread.ofVirtual().name("callback-" + event + "-" + pid)
                .start(() -> logOutput(event, pid, process));
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                output.join(OUTPUT_DRAIN);
                int code = process.exitValue();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                if (code == 0) {
                    log.info("callback {}: {} (pid {}) exited with 0 after {} ms", event, program, pid, ms);
                } else {
                    log.warn("callback {}: {} (pid {}) exited with {} after {} ms", event, program, pid, code, ms);
                }
                return new Result(Outcome.EXITED, code, pid);
            }
            int killed = killTree(process);
            log.warn("callback {}: {} (pid {}) still ran after its timeout of {} ms: killed it and {} descendant(s)",
                    event, program, pid, timeout.toMillis(), killed - 1);
            return new Result(Outcome.TIMED_OUT, -1, pid);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            log.warn("callback {}: {} (pid {}) killed: the agent's thread was interrupted", event, program, pid);
            return new Result(Outcome.INTERRUPTED, -1, pid);
        }
    }

    /** Kills the callback and every descendant found while it still lives; returns how many were signalled. */
    private static int killTree(Process process) {
        // descendants are listed before the parent dies: orphans are re-parented and no longer found
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(process.descendants().toList());
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            if (!process.waitFor(KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                log.error("callback pid {} did not exit within {} ms of SIGKILL", process.pid(), KILL_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return tree.size();
    }

    /** Logs the callback's output line by line; very long lines are cut so a runaway callback cannot fill memory. */
    private static void logOutput(String event, long pid, Process process) {
        try (Reader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n' || line.length() >= MAX_LOGGED_LINE) {
                    log.info("callback {} (pid {}): {}", event, pid, line);
                    line.setLength(0);
                    if (c == '\n') continue;
                }
                line.append((char) c);
            }
            if (!line.isEmpty()) {
                log.info("callback {} (pid {}): {}", event, pid, line);
            }
        } catch (IOException e) {
            // the stream closes when the callback is killed; what was logged stays logged
        }
    }

    private static void requireKnown(String event) {
        if (!EVENTS.contains(event)) {
            throw new IllegalArgumentException(
                    "unknown callback event '" + event + "'; known events: on_start, on_stop, on_role_change");
        }
    }
}
