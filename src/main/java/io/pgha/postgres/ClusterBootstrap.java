package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/** Creates a new cluster: initdb, the pgha marker, start as primary, the replication role. */
final class ClusterBootstrap {
    private final NodeConfig config;
    private final NodeConfig.Postgres pg;
    private final DataDirectory dir;
    private final PgTools tools;
    private final ManagedConfig files;
    private final SqlSession sql;
    private final ProcessControl control;

    ClusterBootstrap(NodeConfig config, DataDirectory dir, PgTools tools, ManagedConfig files, SqlSession sql,
                     ProcessControl control) {
        this.config = config;
        this.pg = config.postgres();
        this.dir = dir;
        this.tools = tools;
        this.files = files;
        this.sql = sql;
        this.control = control;
    }

    void bootstrap() throws PostgresException {
        try {
            dir.prepare(true);
            files.writePassFile();
            Path pwFile = dir.runDir().resolve("initdb.pw");
            dir.writePrivate(pwFile, Files.readString(pg.superuserPasswordFile()).strip() + "\n");
            try {
                // --no-sync: a fresh cluster holds nothing yet, and PostgreSQL fsyncs the data directory
                // itself before any crash recovery
                tools.run("initdb", List.of(tools.bin("initdb"), "-D", dir.path().toString(), "-U", pg.superuser(),
                        "--pwfile=" + pwFile, "--data-checksums", "-E", "UTF8", "--locale=C.UTF-8",
                        "--auth=scram-sha-256", "--no-sync"), 120_000);
            } finally {
                Files.deleteIfExists(pwFile);
            }
            dir.writePrivate(dir.path().resolve(DataDirectory.MARKER), config.cluster() + "\n");
            dir.appendLineOnce(dir.path().resolve("postgresql.conf"), ManagedFiles.INCLUDE_LINE);
            control.startPrimary();
            Connection c = sql.get();
            try (Statement st = c.createStatement()) {
                st.execute("CREATE ROLE " + SqlText.identifier(pg.replicationUser()) + " WITH REPLICATION LOGIN");
            }
            // the verifier is computed here, so the password never reaches the server's logs
            c.unwrap(PGConnection.class).alterUserPassword(pg.replicationUser(),
                    Files.readString(pg.replicationPasswordFile()).strip().toCharArray(), "scram-sha-256");
        } catch (IOException | SQLException e) {
            throw new PostgresException("bootstrap failed: " + e.getMessage(), e);
        }
    }
}
