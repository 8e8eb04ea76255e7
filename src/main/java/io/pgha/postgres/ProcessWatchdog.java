package io.pgha.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog as a small separate process (a bash script shipped in the jar), fed lines on its standard
 * input. A frozen JVM writes nothing, so the script's read times out and it stops PostgreSQL; a dead JVM
 * closes the pipe, which stops PostgreSQL at once. This machine has no softdog, so the kernel's
 * /dev/watchdog (Patroni's choice) is not the portable way.
 */
public final class ProcessWatchdog implements Watchdog {
    private static final Logger log = LoggerFactory.getLogger(ProcessWatchdog.class);
    static final String SCRIPT = "pgha-watchdog.sh";

    private final Path script;
    private Process process;
    private OutputStream input;
    private long armedPid = -1;

    private ProcessWatchdog(Path script) {
        this.script = script;
    }

    /** Writes the script into {@code dir} and starts it, disarmed. */
    public static ProcessWatchdog start(Path dir) throws IOException {
        Path script = dir.resolve(SCRIPT);
        Path tmp = dir.resolve("." + SCRIPT + ".tmp");
        try (InputStream in = ProcessWatchdog.class.getResourceAsStream("watchdog.sh")) {
            if (in == null) throw new IOException("watchdog.sh is missing from the pgha jar");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        Files.move(tmp, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ProcessWatchdog w = new ProcessWatchdog(script);
        w.spawn();
        return w;
    }

    private void spawn() throws IOException {
        try {
            process = new ProcessBuilder("bash", script.toString())
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot start the watchdog (bash " + script + "): " + e.getMessage()
                    + "; the agent needs bash on its PATH", e);
        }
        input = process.getOutputStream();
        armedPid = -1;
        log.info("watchdog started (pid {})", process.pid());
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public synchronized void keepAlive(long postmasterPid, Duration wait) {
        if (armedPid != postmasterPid) log.info("watchdog armed for postmaster {}: it stops PostgreSQL when this agent "
                + "has not checked in for {} ms", postmasterPid, wait.toMillis());
        if (send(String.format(Locale.ROOT, "arm %d %.3f", postmasterPid, wait.toMillis() / 1000.0))) armedPid = postmasterPid;
    }

    @Override
    public synchronized void alive(Duration frozenAfter) {
        send(String.format(Locale.ROOT, "alive %d %.3f", ProcessHandle.current().pid(), frozenAfter.toMillis() / 1000.0));
    }

    @Override
    public synchronized void disarm() {
        if (armedPid < 0) return;
        if (send("disarm")) {
            armedPid = -1;
            log.info("watchdog disarmed");
        }
    }

    private boolean send(String line) {
        try {
            if (!process.isAlive()) {
                log.warn("the watchdog exited (code {}); starting it again", process.exitValue());
                spawn();
            }
            input.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            input.flush();
            return true;
        } catch (IOException e) {
            log.warn("cannot reach the watchdog: {}", e.getMessage());
            return false;
        }
    }

    /** A clean stop: disarm first, so closing the pipe does not read as the agent's death. */
    @Override
    public synchronized void close() {
        disarm();
        try {
            input.close();
        } catch (IOException ignored) {
            // it is going anyway
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
