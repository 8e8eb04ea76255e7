package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bootstraps the cluster from the backup repository instead of initdb: pgBackRest restores the backup set, the
 * server replays archived WAL up to the target and is promoted there, on a new timeline; the recovery settings
 * pgBackRest wrote are then forgotten, so that no later recovery of this data stops at the same target.
 */
final class BackupRestore {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    static final long RESTORE_TIMEOUT_MILLIS = 24 * 3_600_000L;
    static final long REPLAY_TIMEOUT_NANOS = 6 * 3_600_000_000_000L;
    private static final List<String> RECOVERY_SETTINGS = List.of("restore_command", "recovery_target",
            "recovery_target_time", "recovery_target_lsn", "recovery_target_xid", "recovery_target_name",
            "recovery_target_action", "recovery_target_inclusive", "recovery_target_timeline",
            // the backup's synchronous set names standbys that do not stream yet: every commit would wait for them
            "synchronous_standby_names");

    private final NodeConfig config;
    private final DataDirectory dir;
    private final ManagedConfig files;
    private final SqlSession sql;
    private final ProcessControl control;
    private final BackRest backRest;
    private final PgTools tools;

    BackupRestore(NodeConfig config, DataDirectory dir, PgTools tools, ManagedConfig files, SqlSession sql,
                  ProcessControl control) {
        this.tools = tools;
        this.config = config;
        this.dir = dir;
        this.files = files;
        this.sql = sql;
        this.control = control;
        this.backRest = new BackRest(config);
    }

    void restore(RestoreTarget target) throws PostgresException {
        try {
            dir.prepare(true);
            files.writePassFile();
            files.writeBackRestConfig();
            log.info("restoring the cluster from backup repository {} (stanza {}): {}", config.backup().repoPath(),
                    config.backup().stanza(), target);
            OsCommand.Result r = backRest.run(target.restoreArgs(), RESTORE_TIMEOUT_MILLIS,
                    line -> log.info("pgbackrest: {}", line));
            if (!r.ok()) throw new PostgresException("pgbackrest restore failed: " + r.output());
            dir.writePrivate(dir.path().resolve(DataDirectory.MARKER), config.cluster() + "\n");
            dir.appendLineOnce(dir.path().resolve("postgresql.conf"), ManagedFiles.INCLUDE_LINE);
            // the backup's passwords may not be this cluster's: only the superuser, only through the socket in the
            // 0700 run directory, until this node's passwords are set (the header keeps the start from replacing it)
            dir.writePrivate(dir.path().resolve("pg_hba.conf"), "# Managed by pgha: restoring; replaced once the passwords are set\n"
                    + "local all " + SqlText.identifier(config.postgres().superuser()) + " trust\n");
            control.startPrimary();
            awaitPromotion();
            forgetRecoverySettings();
            passwords();
            files.writeHba(List.of(Addresses.resolve(config.host())));
            psql("SELECT pg_reload_conf();");
            log.info("restored: replayed to {} and promoted", target);
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException("restore from the backup repository failed: " + e.getMessage(), e);
        }
    }

    private void awaitPromotion() throws PostgresException, IOException {
        long deadline = System.nanoTime() + REPLAY_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (dir.postmaster().isEmpty())
                throw new PostgresException("PostgreSQL stopped while replaying archived WAL (the target may lie"
                        + " beyond the archive); server log: " + dir.tailOfServerLog(6));
            OsCommand.Result r = psqlResult("SELECT pg_is_in_recovery()");
            if (r.ok() && r.output().strip().equals("f")) return;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresException("interrupted while PostgreSQL replays archived WAL");
            }
        }
        throw new PostgresException("PostgreSQL was still replaying archived WAL after "
                + REPLAY_TIMEOUT_NANOS / 3_600_000_000_000L + " h");
    }

    private void forgetRecoverySettings() throws PostgresException, IOException {
        StringBuilder sqlText = new StringBuilder();
        for (String setting : RECOVERY_SETTINGS) sqlText.append("ALTER SYSTEM RESET ").append(setting).append(";\n");
        sqlText.append("SELECT pg_reload_conf();\nCHECKPOINT;\n");
        psql(sqlText.toString());
    }

    /** The superuser's and the replication role's passwords as this node's configuration holds them (as verifiers). */
    private void passwords() throws PostgresException, IOException, SQLException {
        NodeConfig.Postgres pg = config.postgres();
        String repl = SqlText.literal(pg.replicationUser());
        psql("DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + repl + ") THEN CREATE ROLE "
                + SqlText.identifier(pg.replicationUser()) + " WITH REPLICATION LOGIN; END IF; END$$;\n"
                + PasswordUtil.genAlterUserPasswordSQL(pg.superuser(),
                        Files.readString(pg.superuserPasswordFile()).strip().toCharArray(), "scram-sha-256") + ";\n"
                + PasswordUtil.genAlterUserPasswordSQL(pg.replicationUser(),
                        Files.readString(pg.replicationPasswordFile()).strip().toCharArray(), "scram-sha-256") + ";\n");
    }

    private void psql(String sqlText) throws PostgresException, IOException {
        OsCommand.Result r = psqlResult(sqlText);
        if (!r.ok()) throw new PostgresException("psql failed (exit " + r.exitCode() + "): " + r.output());
    }

    /** psql through the socket in the 0700 run directory; the statements go through a 0600 file, never argv. */
    private OsCommand.Result psqlResult(String sqlText) throws PostgresException, IOException {
        Path file = dir.runDir().resolve("restore.sql");
        dir.writePrivate(file, sqlText);
        try {
            return tools.exec(List.of(tools.bin("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                    "-h", dir.runDir().toString(), "-p", String.valueOf(config.postgres().port()),
                    "-U", config.postgres().superuser(), "-d", "postgres", "-f", file.toString()), 120_000);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
