package io.pgha.backup;

import io.pgha.admin.BackupHealth;
import io.pgha.postgres.ArchiverReader;
import io.pgha.postgres.BackRest;
import io.pgha.postgres.BackupInventory;
import io.pgha.postgres.OsCommand;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary's archiving and backup health, read on the backup thread at most every {@link #READ_EVERY} (never on
 * a scrape or a health request): pg_stat_archiver, and the repository's inventory.
 */
final class BackupHealthReader {
    static final Duration READ_EVERY = Duration.ofSeconds(15);

    private final BackRest backRest;
    private final ArchiverReader archiver;
    private final BackupSchedule schedule;
    private volatile ArchiverReader.Stats stats;
    private volatile BackupInventory inventory;
    private volatile String inventoryProblem;
    private long readAtNanos;

    BackupHealthReader(BackRest backRest, ArchiverReader archiver, BackupSchedule schedule) {
        this.backRest = backRest;
        this.archiver = archiver;
        this.schedule = schedule;
    }

    /** Reads again when the last read is older than {@link #READ_EVERY}, or when {@code now} is asked for. */
    void refresh(boolean now) {
        if (!now && readAtNanos != 0 && System.nanoTime() - readAtNanos < READ_EVERY.toNanos()) return;
        readAtNanos = System.nanoTime();
        try {
            stats = archiver.read();
        } catch (IOException e) {
            stats = null;
        }
        try {
            OsCommand.Result r = backRest.info();
            if (r.ok()) {
                inventory = BackupInventory.parse(r.output());
                inventoryProblem = null;
            } else {
                inventoryProblem = r.output();
            }
        } catch (IOException e) {
            inventoryProblem = e.getMessage();
        }
    }

    /** Forgets what was read (this node is no longer the primary: its figures would go stale). */
    void forget() {
        stats = null;
        inventory = null;
        inventoryProblem = null;
        readAtNanos = 0;
    }

    BackupInventory inventory() {
        return inventory;
    }

    /** When the newest backup set in the repository started; null when none (or not read yet). */
    Instant newestBackupStart() {
        BackupInventory inv = inventory;
        return inv == null || inv.newest() == null ? null : Instant.ofEpochSecond(inv.newest().startEpoch());
    }

    boolean inventoryKnown() {
        return inventory != null;
    }

    BackupHealth health(boolean running, Instant now) {
        ArchiverReader.Stats s = stats;
        BackupInventory inv = inventory;
        List<String> warnings = new ArrayList<>();
        Long archiveAge = s == null || s.lastArchived() == null ? null : Duration.between(s.lastArchived(), now).toSeconds();
        if (s != null && s.failing())
            warnings.add("WAL archiving is failing (" + s.failedCount() + " failures, the latest for " + s.lastFailedWal()
                    + " at " + s.lastFailed() + (s.lastArchived() == null ? ", never succeeded" : ", last success at "
                    + s.lastArchived()) + "): check the repository and the agent's log");
        if (inventoryProblem != null) warnings.add("the backup repository cannot be read: " + firstLine(inventoryProblem));
        BackupInventory.BackupSet newest = inv == null ? null : inv.newest();
        Instant newestStop = newest == null ? null : Instant.ofEpochSecond(newest.stopEpoch());
        if (schedule != null && inv != null && schedule.overdue(ZonedDateTime.now(), newestStop))
            warnings.add(newest == null ? "no backup yet although backup.schedule has passed a slot"
                    : "the newest backup " + newest.label() + " is older than two periods of backup.schedule");
        Long repoBytes = inv == null ? null : inv.backups().stream().mapToLong(BackupInventory.BackupSet::repositoryBytes).sum();
        return new BackupHealth(s == null ? null : s.failedCount(), archiveAge, s != null && s.failing(),
                newestStop == null ? null : Duration.between(newestStop, now).toSeconds(), repoBytes, running, List.copyOf(warnings));
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
