package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts, stops, promotes and re-points the local server. */
final class ProcessControl {
    // every part logs as LocalPostgres: the log lines read as they did before the split
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private static final long START_WAIT_NANOS = 60_000_000_000L;

    private final DataDirectory dir;
    private final PgTools tools;
    private final ManagedConfig files;
    private final SqlSession sql;
    private final ServerLogs logs;

    ProcessControl(DataDirectory dir, PgTools tools, ManagedConfig files, SqlSession sql, ServerLogs logs) {
        this.dir = dir;
        this.tools = tools;
        this.files = files;
        this.sql = sql;
        this.logs = logs;
    }

    /** The running postmaster, from postmaster.pid. */
    Optional<ProcessHandle> postmaster() {
        return dir.postmaster();
    }

    void startPrimary() throws PostgresException {
        try {
            Files.deleteIfExists(dir.path().resolve("standby.signal"));
        } catch (IOException e) {
            throw new PostgresException("cannot remove standby.signal: " + e.getMessage(), e);
        }
        start(null);
    }

    void startStandby(Upstream upstream) throws PostgresException {
        markStandby();
        start(upstream);
    }

    void markStandby() throws PostgresException {
        try {
            dir.writePrivate(dir.path().resolve("standby.signal"), "");
        } catch (IOException e) {
            throw new PostgresException("cannot write standby.signal: " + e.getMessage(), e);
        }
    }

    private void start(Upstream upstream) throws PostgresException {
        if (dir.postmaster().isPresent()) return;
        dir.awaitDeadServerReaped();
        try {
            dir.prepare(false);
            files.writePassFile();
            files.write(upstream);
            logs.capStartupLog();
            logs.prune();
            dir.touchOwned(dir.serverLog());
        } catch (IOException e) {
            throw new PostgresException("cannot write managed configuration: " + e.getMessage(), e);
        }
        // the postmaster is the agent's own child, so its death is seen (and reaped) at once
        Process p;
        try {
            p = tools.builder(List.of(tools.bin("postgres"), "-D", dir.path().toString()), true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.serverLog().toFile()))
                    .start();
        } catch (IOException e) {
            throw new PostgresException("cannot start postgres: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new PostgresException("postgres exited at start (exit " + p.exitValue() + "); server log "
                        + logs.tails(8));
            }
            String status = dir.postmasterStatus(p.pid());
            if ("ready".equals(status) || "standby".equals(status)) {
                log.info("PostgreSQL started as {} (pid {})", upstream == null ? "primary" : "standby of " + upstream.name(), p.pid());
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresException("interrupted while PostgreSQL starts");
            }
        }
        log.warn("PostgreSQL (pid {}) is still starting after {} s; the loop watches it from here", p.pid(),
                START_WAIT_NANOS / 1_000_000_000L);
    }

    void reload() throws PostgresException {
        try {
            sql.reloadConf();
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException("cannot reload PostgreSQL's configuration: " + e.getMessage(), e);
        }
    }

    void follow(Upstream upstream) throws PostgresException {
        try {
            files.write(upstream);
            sql.reloadConf();
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException("cannot point the standby at " + (upstream == null ? "nothing" : upstream.name())
                    + ": " + e.getMessage(), e);
        }
    }

    void promote() throws PostgresException {
        try {
            if (files.archiving()) handStreamedWalToArchiver();
            try (Statement st = sql.get().createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_promote(true, 60)")) {
                rs.next();
                if (!rs.getBoolean(1)) throw new PostgresException("pg_promote did not finish within 60 s");
            }
            // pg_control must name the new timeline at once: pg_rewind reads it from here, and an old
            // primary rewound against a stale one would be told "no rewind required" and never follow
            try (Statement st = sql.get().createStatement()) {
                st.execute("CHECKPOINT");
            }
            files.write(null);
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException("promotion failed: " + e.getMessage(), e);
        }
    }

    /** Never in the way of a promotion: a segment left out shows as a gap in {@code pgha backup check}. */
    private void handStreamedWalToArchiver() {
        try {
            int marked = ArchiveStatus.markStreamedForArchive(dir.path());
            if (marked > 0) log.info("{} streamed WAL segments handed to the archiver (the archive skips those it has)", marked);
        } catch (IOException e) {
            log.warn("could not hand the streamed WAL to the archiver ({}): the archive may have a gap before this promotion", e.toString());
        }
    }

    void stop(boolean immediate) throws PostgresException {
        sql.close();
        if (dir.postmaster().isEmpty()) return;
        OsCommand.Result r = tools.exec(List.of(tools.bin("pg_ctl"), "stop", "-D", dir.path().toString(), "-m",
                immediate ? "immediate" : "fast", "-w", "-t", "60", "-s"), 70_000);
        if (!r.ok() && dir.postmaster().isPresent()) {
            throw new PostgresException("pg_ctl stop failed: " + r.output());
        }
    }

    /** For a server that does not answer: every process of it, stopped or not, killed at once. */
    void kill() throws PostgresException {
        killProcesses();
        sql.close();
    }

    private void killProcesses() throws PostgresException {
        var postmaster = dir.postmaster();
        if (postmaster.isEmpty()) return;
        List<ProcessHandle> all = new java.util.ArrayList<>(postmaster.get().descendants().toList());
        all.add(0, postmaster.get());
        all.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (all.stream().anyMatch(Processes::isRunning)) {
            if (System.nanoTime() > deadline)
                throw new PostgresException("PostgreSQL's processes survived SIGKILL for 5 s: "
                        + all.stream().filter(Processes::isRunning).map(h -> String.valueOf(h.pid())).toList());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresException("interrupted while killing PostgreSQL", e);
            }
        }
        log.warn("PostgreSQL killed (postmaster {} and {} other processes)", postmaster.get().pid(), all.size() - 1);
    }

    /** The fencing stop; touches nothing another operation may be holding (no SQL session). */
    void stopNow() throws PostgresException {
        if (dir.postmaster().isEmpty()) return;
        OsCommand.Result r = tools.exec(List.of(tools.bin("pg_ctl"), "stop", "-D", dir.path().toString(), "-m", "immediate",
                "-w", "-t", "3", "-s"), 5_000);
        if (!r.ok() && dir.postmaster().isPresent()) {
            // a stopped or hung server never acts on pg_ctl's SIGQUIT; SIGKILL it is
            log.warn("pg_ctl stop -m immediate failed ({}): killing PostgreSQL", r.output());
            killProcesses();
        }
        log.warn("PostgreSQL stopped immediately (fenced)");
    }
}
