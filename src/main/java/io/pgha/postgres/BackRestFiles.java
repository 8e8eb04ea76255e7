package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders what pgha owns of pgBackRest: its configuration file (repository, retention, where it keeps its spool,
 * locks and logs, how it reaches the local PostgreSQL) and the archive settings of the {@code pgha.conf} include.
 */
public final class BackRestFiles {
    public static final String CONFIG_FILE = "pgbackrest.conf";
    /** Beside the data directory: the asynchronous archive's spool, pgBackRest's locks and its (warnings-only) logs. */
    static final java.util.List<String> OWN_DIRECTORIES = java.util.List.of("pgbackrest-spool", "pgbackrest-lock", "pgbackrest-log");

    private BackRestFiles() {}

    /** The pgBackRest program on the PATH (absolute), or null when it is not installed. */
    public static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "pgbackrest");
            if (Files.isExecutable(p)) return p.toAbsolutePath();
        }
        Path usual = Path.of("/usr/bin/pgbackrest");
        return Files.isExecutable(usual) ? usual : null;
    }

    public static Path configFile(Path runDir) {
        return runDir.resolve(CONFIG_FILE);
    }

    /** The program and the two options every pgBackRest command of this node starts with. */
    public static List<String> command(Path binary, Path runDir, String stanza) {
        return List.of(binary.toString(), "--config=" + configFile(runDir), "--stanza=" + stanza);
    }

    /**
     * {@code secrets}: the contents of the repository's secret files, by option name. {@code queueMaxBytes}: WAL
     * an unreachable archive may hold back before pgBackRest drops it so that PostgreSQL does not stop (0: no limit).
     */
    public static String config(NodeConfig.Backup b, NodeConfig.Postgres pg, Path runDir, Map<String, String> secrets,
                                long queueMaxBytes) {
        List<String> lines = new ArrayList<>();
        lines.add("# Managed by pgha: rewritten before every start. Change the backup section of the node's YAML instead.");
        lines.add("[global]");
        lines.add("repo1-type=" + b.repoType());
        lines.add("repo1-path=" + b.repoPath());
        lines.add("repo1-retention-full=" + b.retentionFull());
        b.repoOptions().forEach((k, v) -> lines.add("repo1-" + k + "=" + v));
        secrets.forEach((k, v) -> lines.add("repo1-" + k + "=" + v));
        lines.add("process-max=" + b.processMax());
        lines.add("compress-type=lz4");
        lines.add("start-fast=y");
        lines.add("archive-async=y");
        if (queueMaxBytes > 0) lines.add("archive-push-queue-max=" + (queueMaxBytes >> 20) + "MiB");
        lines.add("spool-path=" + runDir.resolve(OWN_DIRECTORIES.get(0)));
        lines.add("lock-path=" + runDir.resolve(OWN_DIRECTORIES.get(1)));
        lines.add("log-path=" + runDir.resolve(OWN_DIRECTORIES.get(2)));
        // warnings and errors only: the files are never rotated, and the agent reports what matters itself
        lines.add("log-level-file=warn");
        lines.add("log-level-console=warn");
        lines.add("");
        lines.add("[" + b.stanza() + "]");
        lines.add("pg1-path=" + pg.dataDir());
        lines.add("pg1-port=" + pg.port());
        lines.add("pg1-socket-path=" + runDir);
        lines.add("pg1-user=" + pg.superuser());
        return String.join("\n", lines) + "\n";
    }

    /** The archive lines of {@code pgha.conf}: only a primary archives; every member can fetch from the archive. */
    public static List<String> postgresSettings(NodeConfig.Backup b, Path binary, Path runDir) {
        String cmd = String.join(" ", command(binary, runDir, b.stanza()));
        return List.of(
                "archive_mode = 'on'",
                "archive_command = '" + cmd + " archive-push %p'",
                "archive_timeout = '" + b.archiveTimeout().toSeconds() + "s'",
                "restore_command = '" + cmd + " archive-get %f \"%p\"'");
    }
}
