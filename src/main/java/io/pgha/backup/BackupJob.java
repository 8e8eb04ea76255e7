package io.pgha.backup;

import io.pgha.admin.BackupJobStatus;
import io.pgha.postgres.BackRest;
import io.pgha.postgres.BackupInventory;
import io.pgha.postgres.OsCommand;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One base backup: {@code pgbackrest backup} on this node (the primary), followed by pgBackRest's own expire
 * (retention); its progress read from the detail lines as they come, its result kept for {@code GET /backup}.
 */
final class BackupJob {
    static final String SOURCE = "taken from the primary: pgBackRest's backup-standby needs the primary reachable"
            + " through its own protocol (SSH or its TLS server), which pgha does not set up";
    static final Duration TIMEOUT = Duration.ofHours(24);
    private static final Logger log = LoggerFactory.getLogger(BackupJob.class);

    private final BackRest backRest;
    private final String node;
    private final String type;
    private final String trigger;
    private final Instant startedAt = Instant.now();
    private final List<String> errors = new ArrayList<>();
    private volatile double percent;
    private volatile String label;
    private volatile String state = BackupJobStatus.RUNNING;
    private volatile Instant stoppedAt;
    private volatile Long sizeBytes;
    private volatile Long repositoryBytes;
    private volatile String error;

    BackupJob(BackRest backRest, String node, String type, String trigger) {
        this.backRest = backRest;
        this.node = node;
        this.type = type;
        this.trigger = trigger;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** Runs to the end (the calling thread waits); never throws. */
    void run() {
        log.info("{} backup ({}) started: {}", type, trigger, SOURCE);
        try {
            OsCommand.Result r = backRest.run(List.of("backup", "--type=" + type, "--start-fast",
                    "--log-level-console=detail"), TIMEOUT.toMillis(), this::line);
            if (r.ok()) succeeded();
            else failed(errors.isEmpty() ? lastLines(r.output()) : String.join("; ", errors));
        } catch (IOException | RuntimeException e) {
            failed(e.getMessage());
        }
    }

    private void line(String line) {
        OptionalDouble p = BackupProgress.percent(line);
        if (p.isPresent()) percent = Math.max(percent, p.getAsDouble());
        String l = BackupProgress.label(line);
        if (l != null) label = l;
        String e = BackupProgress.error(line);
        if (e != null) {
            synchronized (errors) {
                errors.add(e);
            }
        }
    }

    private void succeeded() {
        try {
            OsCommand.Result info = backRest.info();
            BackupInventory.BackupSet set = info.ok() && label != null ? BackupInventory.parse(info.output()).byLabel(label) : null;
            if (set != null) {
                sizeBytes = set.databaseBytes();
                repositoryBytes = set.repositoryBytes();
            }
        } catch (IOException e) {
            log.warn("backup {} done, but its size could not be read: {}", label, e.getMessage());
        }
        percent = 100;
        stoppedAt = Instant.now();
        state = BackupJobStatus.SUCCEEDED;
        log.info("{} backup {} done in {} s", type, label, Duration.between(startedAt, stoppedAt).toSeconds());
    }

    private void failed(String why) {
        error = why == null || why.isBlank() ? "pgbackrest backup failed without a message" : why;
        stoppedAt = Instant.now();
        state = BackupJobStatus.FAILED;
        log.error("{} backup failed: {}", type, error);
    }

    private static String lastLines(String output) {
        String[] lines = output.strip().split("\n");
        return String.join("; ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
    }

    BackupJobStatus status() {
        Instant stop = stoppedAt;
        return new BackupJobStatus(node, type, trigger, state, percent, label, startedAt.toString(),
                stop == null ? null : stop.toString(), sizeBytes, repositoryBytes, error, SOURCE);
    }

    boolean running() {
        return BackupJobStatus.RUNNING.equals(state);
    }
}
