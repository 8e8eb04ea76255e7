package io.pgha.agent;

import io.pgha.config.ConfigException;
import io.pgha.config.NodeConfig;
import io.pgha.postgres.BackRestFiles;
import io.pgha.postgres.DataDirectory;
import io.pgha.postgres.OsCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What must hold on this machine before the agent touches anything; every failure names the fix. */
public final class StartupChecks {
    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);
    static final List<String> TOOLS = List.of("postgres", "pg_ctl", "initdb", "pg_basebackup", "pg_rewind", "pg_controldata");

    private StartupChecks() {}

    public static void check(NodeConfig config) throws ConfigException {
        List<String> problems = new ArrayList<>();
        NodeConfig.Postgres pg = config.postgres();
        if (!Files.isDirectory(pg.binDir())) {
            problems.add("postgres.bin_dir: " + pg.binDir() + " does not exist: install PostgreSQL 14 or newer"
                    + " (apt-get install postgresql-15) or set postgres.bin_dir to the directory holding pg_ctl");
        } else {
            for (String tool : TOOLS) {
                if (!Files.isExecutable(pg.binDir().resolve(tool)))
                    problems.add("postgres.bin_dir: " + pg.binDir() + " has no " + tool
                            + ": point postgres.bin_dir at a complete PostgreSQL installation (server and client programs)");
            }
        }
        if (OsCommand.runningAsRoot()) {
            try {
                Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(pg.osUser());
            } catch (IOException e) {
                problems.add("postgres.os_user: OS user '" + pg.osUser() + "' does not exist: PostgreSQL must run as a"
                        + " non-root user; create it or name an existing one");
            }
            if ("root".equals(pg.osUser()))
                problems.add("postgres.os_user: PostgreSQL refuses to run as root; name a non-root user such as postgres");
        }
        secretFile("postgres.superuser_password_file", pg.superuserPasswordFile(), problems);
        secretFile("postgres.replication_password_file", pg.replicationPasswordFile(), problems);
        secretFile("api.token_file", config.api().tokenFile(), problems);
        secretFile("api.password_file", config.api().passwordFile(), problems);
        if (config.dns() != null) secretFile("dns.tsig_secret_file", config.dns().tsigSecretFile(), problems);
        if (config.backup() != null) backup(config.backup(), problems);
        portFree("api.listen", config.api().host(), config.api().port(), problems);
        if (config.proxy().enabled()) {
            portFree("proxy.read_write_port", config.proxy().listen(), config.proxy().readWritePort(), problems);
            portFree("proxy.read_only_port", config.proxy().listen(), config.proxy().readOnlyPort(), problems);
        }

        DataDirectory dir = new DataDirectory(pg.dataDir(), pg.osUser());
        switch (dir.state(config.cluster())) {
            case FOREIGN -> problems.add("postgres.data_dir: " + pg.dataDir() + " is not empty and is not a pgha member"
                    + " (no " + DataDirectory.MARKER + " beside PG_VERSION): point data_dir at an empty or new directory,"
                    + " or move that directory's content elsewhere; pgha will not touch it");
            case OTHER_CLUSTER -> problems.add("postgres.data_dir: " + pg.dataDir() + " belongs to another pgha cluster"
                    + " (see its " + DataDirectory.MARKER + "), not '" + config.cluster() + "': use another data_dir");
            default -> { }
        }
        if (dir.postmaster().isEmpty()) portFree("postgres.port", pg.listen(), pg.port(), problems);
        // the ports of this node's store peer are busy by design: pgha store holds them (StoreProcess checks them)
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    private static void backup(NodeConfig.Backup b, List<String> problems) {
        if (BackRestFiles.binary() == null)
            problems.add("backup: pgbackrest is not installed: install it (apt-get install pgbackrest) or remove the backup section");
        b.repoSecretFiles().forEach((option, file) -> secretFile("backup.repository.secret_files." + option, file, problems));
        // a repository that is not there yet must not keep the cluster down: archiving fails loudly until it is
        if ("posix".equals(b.repoType()) && !Files.isDirectory(b.repoPath()))
            log.warn("backup.repository.path {} does not exist (yet): WAL archiving and backups fail until it does;"
                    + " mount or create it, writable by the PostgreSQL OS user", b.repoPath());
    }

    private static void secretFile(String field, Path file, List<String> problems) {
        if (file == null) return;
        if (!Files.isReadable(file)) {
            problems.add(field + ": " + file + " does not exist or cannot be read: create it with the secret on one line, mode 0600");
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ))
                problems.add(field + ": " + file + " is readable by other users: chmod 600 " + file);
            if (Files.readString(file).isBlank()) problems.add(field + ": " + file + " is empty: put the secret in it");
        } catch (IOException e) {
            problems.add(field + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    static void portFree(String field, String host, int port, List<String> problems) {
        String bindHost = host.equals("*") ? "0.0.0.0" : host;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(bindHost), port));
        } catch (IOException e) {
            problems.add(field + ": " + host + ":" + port + " is already in use (" + e.getMessage()
                    + "): choose another port or stop the process that holds it");
        }
    }
}
