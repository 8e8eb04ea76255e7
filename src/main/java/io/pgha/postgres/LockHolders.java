package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The PIDs named by a server's lock files (postmaster.pid, and each socket's .s.PGSQL.PORT.lock in the run directory).
 * PostgreSQL refuses to start while such a PID exists, even as a zombie: a postmaster killed after its agent restarted
 * is no longer the agent's child, and its new parent (init) may reap it a second or two later.
 */
final class LockHolders {
    private static final long POLL_MILLIS = 20;

    private LockHolders() {}

    /** Waits, up to {@code bound}, until no lock file names a zombie; fails naming the one that stayed. */
    static void awaitZombiesReaped(Path dataDir, Path runDir, Duration bound) throws PostgresException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (long pid : pids(dataDir, runDir)) {
            if (!Processes.isZombie(pid)) continue;
            while (Processes.isZombie(pid)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new PostgresException("process " + pid + ", a PostgreSQL server that was killed, is still a zombie after "
                            + bound.toSeconds() + " s and PostgreSQL will not start while its PID exists: its parent (PID "
                            + parent(pid) + ") does not reap orphans; run pgha under an init that does (systemd, or docker --init)");
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PostgresException("interrupted while waiting for a killed PostgreSQL to be reaped", e);
                }
            }
        }
    }

    static List<Long> pids(Path dataDir, Path runDir) {
        List<Long> pids = new ArrayList<>();
        firstLinePid(dataDir.resolve("postmaster.pid"), pids);
        try (Stream<Path> files = Files.list(runDir)) {
            files.filter(f -> f.getFileName().toString().matches("\\.s\\.PGSQL\\.\\d+\\.lock")).forEach(f -> firstLinePid(f, pids));
        } catch (IOException e) {
            // no run directory yet: no socket lock
        }
        return pids;
    }

    private static void firstLinePid(Path file, List<Long> into) {
        try (Stream<String> lines = Files.lines(file)) {
            lines.findFirst().map(String::strip).filter(l -> l.matches("-?\\d+")).map(Long::parseLong).map(Math::abs).ifPresent(into::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            // absent or unreadable: names no holder
        }
    }

    private static String parent(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(p -> String.valueOf(p.pid())).orElse("?");
    }
}
