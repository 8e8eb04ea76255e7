package io.pgha.config;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code backup:} section: pgBackRest's repository, retention, schedule and archive timeout. */
final class BackupValidator {
    static final Set<String> REPO_TYPES = Set.of("posix", "s3", "gcs", "azure");
    /** pgha writes these itself (from the section's own keys, or because archiving depends on them). */
    static final Set<String> MANAGED_OPTIONS = Set.of("type", "path", "retention-full", "retention-full-type");
    private static final String OPTION = "[a-z][a-z0-9-]*";
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final List<String> problems;

    BackupValidator(List<String> problems) {
        this.problems = problems;
    }

    NodeConfig.Backup validate(RawConfig.RawBackup raw, String cluster) {
        if (raw == null) return null;
        var repo = raw.repository();
        if (repo == null) {
            problem("backup.repository", "is required: path: /mnt/backup/pgha (a filesystem every node mounts), or"
                    + " type: s3|gcs|azure with path and options");
            return null;
        }
        String type = repo.type() == null ? "posix" : repo.type();
        if (!REPO_TYPES.contains(type))
            problem("backup.repository.type", "'" + type + "' must be one of posix, s3, gcs, azure");
        Path path = null;
        if (repo.path() == null || repo.path().isBlank()) {
            problem("backup.repository.path", "is required: the repository's absolute path (on the shared mount, or"
                    + " inside the bucket), e.g. /pgha");
        } else if (!repo.path().startsWith("/")) {
            problem("backup.repository.path", "'" + repo.path() + "' must be an absolute path");
        } else {
            path = Path.of(repo.path()).normalize();
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (repo.options() != null) repo.options().forEach((k, v) -> {
            String field = "backup.repository.options." + k;
            if (!k.matches(OPTION)) problem(field, "is not a pgBackRest repository option (e.g. s3-bucket)");
            else if (MANAGED_OPTIONS.contains(k)) problem(field, "is set by pgha from the backup section; remove it");
            else if (v == null || v.contains("\n")) problem(field, "needs a one-line value");
            else options.put(k, v);
        });
        Map<String, Path> secrets = new LinkedHashMap<>();
        if (repo.secretFiles() != null) repo.secretFiles().forEach((k, v) -> {
            String field = "backup.repository.secret_files." + k;
            if (!k.matches(OPTION)) problem(field, "is not a pgBackRest repository option (e.g. s3-key-secret)");
            else if (options.containsKey(k)) problem(field, "is also in backup.repository.options; keep it in one place");
            else if (v == null || !v.startsWith("/")) problem(field, "must be the absolute path of a file (mode 0600) holding the value");
            else secrets.put(k, Path.of(v));
        });
        if (!"posix".equals(type) && options.keySet().stream().noneMatch(k -> k.startsWith(type + "-")))
            problem("backup.repository.options", "a " + type + " repository needs its pgBackRest options, e.g. "
                    + type + "-bucket/" + type + "-endpoint (see pgBackRest's repo-" + type + "-* options)");
        int retention = raw.retentionFull() == null ? 2 : raw.retentionFull();
        if (retention < 1 || retention > 9999999)
            problem("backup.retention_full", retention + " must be at least 1 (the full backups kept, with their WAL)");
        String schedule = raw.schedule() == null || raw.schedule().isBlank() ? null : raw.schedule().trim();
        if (schedule != null) {
            try {
                CRON.parse(schedule).validate();
            } catch (IllegalArgumentException e) {
                problem("backup.schedule", "'" + schedule + "' is not a cron schedule (minute hour day month weekday,"
                        + " e.g. '0 3 * * *' for 03:00 every day): " + e.getMessage());
                schedule = null;
            }
        }
        Duration timeout = Duration.ofSeconds(60);
        if (raw.archiveTimeout() != null) {
            try {
                timeout = Units.duration(raw.archiveTimeout());
            } catch (IllegalArgumentException e) {
                problem("backup.archive_timeout", e.getMessage());
            }
        }
        if (timeout.toSeconds() < 1 || timeout.toSeconds() > 3600)
            problem("backup.archive_timeout", timeout.toSeconds() + "s must be between 1s and 1h: a quiet primary's"
                    + " last commits reach the archive within it (60s is a good start)");
        int processMax = raw.processMax() == null ? 2 : raw.processMax();
        if (processMax < 1 || processMax > 64) problem("backup.process_max", processMax + " must be between 1 and 64");
        String stanza = raw.stanza() == null ? cluster : raw.stanza();
        if (stanza != null && !stanza.matches("[A-Za-z0-9][A-Za-z0-9_-]*"))
            problem("backup.stanza", "'" + stanza + "' may use only letters, digits, '_' and '-'");
        return new NodeConfig.Backup(stanza, type, path, Map.copyOf(options), Map.copyOf(secrets), retention, schedule,
                timeout, processMax);
    }

    private void problem(String field, String message) {
        problems.add(field + ": " + message);
    }
}
