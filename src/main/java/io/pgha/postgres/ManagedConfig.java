package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the files pgha owns into the data and run directories: the include file, pg_hba.conf, the password file. */
final class ManagedConfig {
    private final NodeConfig config;
    private final NodeConfig.Postgres pg;
    private final DataDirectory dir;
    private Upstream currentUpstream;

    ManagedConfig(NodeConfig config, DataDirectory dir) {
        this.config = config;
        this.pg = config.postgres();
        this.dir = dir;
    }

    /** The include file pointing at {@code upstream} (null: a primary), and pg_hba.conf when pgha does not own it yet. */
    void write(Upstream upstream) throws IOException {
        currentUpstream = upstream;
        dir.appendLineOnce(dir.path().resolve("postgresql.conf"), ManagedFiles.INCLUDE_LINE);
        String include = ManagedFiles.includeFile(pg, dir.runDir().toString(), upstream, config.name(),
                dir.passFile().toString());
        if (config.backup() != null) include += String.join("\n", BackRestFiles.postgresSettings(config.backup(),
                backRestBinary(), dir.runDir())) + "\n";
        dir.writePrivate(dir.path().resolve(ManagedFiles.INCLUDE_FILE), include);
        if (config.backup() != null) writeBackRestConfig();
        Path hba = dir.path().resolve("pg_hba.conf");
        if (!Files.exists(hba) || !Files.readString(hba).startsWith("# Managed by pgha")) {
            dir.writePrivate(hba, ManagedFiles.hba(pg, agentAddress(), List.of(Addresses.resolve(config.host()))));
        }
    }

    /** A backup section is configured: the primary archives its WAL through pgBackRest. */
    boolean archiving() {
        return config.backup() != null;
    }

    /** pgbackrest.conf beside the data directory, 0600: it may hold the repository's secrets. */
    void writeBackRestConfig() throws IOException {
        NodeConfig.Backup b = config.backup();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (var e : b.repoSecretFiles().entrySet()) secrets.put(e.getKey(), Files.readString(e.getValue()).strip());
        for (String sub : BackRestFiles.OWN_DIRECTORIES) dir.ensureDirectory(dir.runDir().resolve(sub));
        long queueMax = WalBudget.of(pg.dataDir()).budget() / 2;
        dir.writeIfChanged(BackRestFiles.configFile(dir.runDir()), BackRestFiles.config(b, pg, dir.runDir(), secrets,
                queueMax == Long.MAX_VALUE / 2 ? 0 : queueMax));
    }

    static Path backRestBinary() throws IOException {
        Path binary = BackRestFiles.binary();
        if (binary == null) throw new IOException("pgbackrest is not installed but the backup section asks for it:"
                + " install it (apt-get install pgbackrest) or remove the backup section");
        return binary;
    }

    /** pg_hba.conf for these member addresses; true when it changed (and needs a reload). */
    boolean writeHba(Collection<String> memberAddresses) throws IOException {
        return dir.writeIfChanged(dir.path().resolve("pg_hba.conf"), ManagedFiles.hba(pg, agentAddress(), memberAddresses));
    }

    void writePassFile() throws IOException {
        String superPw = escapePass(Files.readString(pg.superuserPasswordFile()).strip());
        String replPw = escapePass(Files.readString(pg.replicationPasswordFile()).strip());
        dir.writeIfChanged(dir.passFile(), "*:*:*:" + escapePass(pg.replicationUser()) + ":" + replPw + "\n"
                + "*:*:*:" + escapePass(pg.superuser()) + ":" + superPw + "\n");
    }

    /** A .pgpass field: backslash and colon escaped. */
    static String escapePass(String s) {
        return s.replace("\\", "\\\\").replace(":", "\\:");
    }

    String agentAddress() {
        return Addresses.agentAddress(pg.listen());
    }

    /** The member the include file last pointed at (null: none, or not written since start). */
    String following() {
        Upstream u = currentUpstream;
        return u == null ? null : u.name();
    }
}
