package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
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

    BackupRestore(NodeConfig config, DataDirectory dir, ManagedConfig files, SqlSession sql, ProcessControl control) {
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
            sql.reloadConf();
            log.info("restored: replayed to {} and promoted", target);
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException("restore from the backup repository failed: " + e.getMessage(), e);
        }
    }

    private void awaitPromotion() throws PostgresException, SQLException, IOException {
        long deadline = System.nanoTime() + REPLAY_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (dir.postmaster().isEmpty())
                throw new PostgresException("PostgreSQL stopped while replaying archived WAL (the target may lie"
                        + " beyond the archive); server log " + String.join(" | ", Files.readAllLines(dir.serverLog())
                        .stream().skip(Math.max(0, Files.readAllLines(dir.serverLog()).size() - 6)).toList()));
            try (Statement st = sql.get().createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) return;
            } catch (SQLException e) {
                sql.close();
            }
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

    private void forgetRecoverySettings() throws SQLException, IOException {
        try (Statement st = sql.get().createStatement()) {
            for (String setting : RECOVERY_SETTINGS) st.execute("ALTER SYSTEM RESET " + setting);
            st.execute("CHECKPOINT");
        }
        sql.reloadConf();
    }

    /** The superuser's and the replication role's passwords as this node's configuration holds them now. */
    private void passwords() throws SQLException, IOException {
        Connection c = sql.get();
        NodeConfig.Postgres pg = config.postgres();
        c.unwrap(PGConnection.class).alterUserPassword(pg.superuser(),
                Files.readString(pg.superuserPasswordFile()).strip().toCharArray(), "scram-sha-256");
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = " + SqlText.literal(pg.replicationUser()))) {
            if (!rs.next()) {
                try (Statement create = c.createStatement()) {
                    create.execute("CREATE ROLE " + SqlText.identifier(pg.replicationUser()) + " WITH REPLICATION LOGIN");
                }
            }
        }
        c.unwrap(PGConnection.class).alterUserPassword(pg.replicationUser(),
                Files.readString(pg.replicationPasswordFile()).strip().toCharArray(), "scram-sha-256");
    }
}
