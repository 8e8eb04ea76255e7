package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings a diverged or empty data directory back in line with a primary: pg_rewind, pg_basebackup, moving aside. */
final class RewindAndClone {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final NodeConfig config;
    private final NodeConfig.Postgres pg;
    private final DataDirectory dir;
    private final PgTools tools;
    private final ManagedConfig files;
    private final ProcessControl control;

    RewindAndClone(NodeConfig config, DataDirectory dir, PgTools tools, ManagedConfig files, ProcessControl control) {
        this.config = config;
        this.pg = config.postgres();
        this.dir = dir;
        this.tools = tools;
        this.files = files;
        this.control = control;
    }

    /** False when rewinding is impossible and a fresh clone is needed; throws when the source is unreachable. */
    boolean rewind(Upstream upstream) throws PostgresException {
        control.stop(false);
        dir.awaitDeadServerReaped();
        try {
            dir.prepare(false);
            files.writePassFile();
        } catch (IOException e) {
            throw new PostgresException("cannot prepare for pg_rewind: " + e.getMessage(), e);
        }
        String source = "host=" + upstream.host() + " port=" + upstream.port() + " user=" + pg.superuser()
                + " dbname=postgres passfile=" + dir.passFile() + " connect_timeout=3";
        List<String> cmd = new java.util.ArrayList<>(List.of(tools.bin("pg_rewind"), "-D", dir.path().toString(),
                "--source-server=" + source));
        // WAL this node needs that its own pg_wal no longer holds comes from the archive (its restore_command)
        if (files.archiving()) cmd.add("--restore-target-wal");
        OsCommand.Result r = tools.exec(cmd, 600_000);
        if (r.ok()) {
            log.info("pg_rewind against {} done: {}", upstream.name(), PgTools.lastLine(r.output()));
            return true;
        }
        String out = r.output();
        if (out.contains("could not connect") || out.contains("connection to server")) {
            throw new PostgresException("pg_rewind cannot reach " + upstream.name() + ": " + PgTools.lastLine(out));
        }
        log.warn("pg_rewind against {} failed (exit {}): {}", upstream.name(), r.exitCode(), out);
        return false;
    }

    void cloneFrom(Upstream upstream) throws PostgresException {
        try {
            dir.prepare(true);
            files.writePassFile();
        } catch (IOException e) {
            throw new PostgresException("cannot prepare the data directory: " + e.getMessage(), e);
        }
        String conninfo = ManagedFiles.conninfo(upstream, pg.replicationUser(), config.name(), dir.passFile().toString());
        OsCommand.Result r = tools.exec(List.of(tools.bin("pg_basebackup"), "-D", dir.path().toString(), "-X", "stream",
                "-S", ManagedFiles.slotName(config.name()), "-c", "fast", "-w", "-d", conninfo), 24 * 3600_000L);
        if (!r.ok()) {
            throw new PostgresException("pg_basebackup from " + upstream.name() + " failed (exit " + r.exitCode()
                    + "): " + r.output());
        }
        log.info("cloned from {}", upstream.name());
    }

    /** Invariant 5: stopped, then renamed aside, never deleted. */
    Path moveDataAside() throws PostgresException {
        control.stop(false);
        if (!java.nio.file.Files.exists(dir.path())) return null;
        try {
            Path moved = dir.moveAside();
            log.warn("moved data directory {} aside to {}", dir.path(), moved);
            return moved;
        } catch (IOException e) {
            throw new PostgresException("cannot move " + dir.path() + " aside: " + e.getMessage(), e);
        }
    }
}
