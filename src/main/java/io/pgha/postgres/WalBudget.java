package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How much WAL the filesystem holding pg_wal can take. Retained WAL for an absent standby is capped at half of it
 * and the WAL between checkpoints at a quarter, so that a slot is invalidated (and its standby re-cloned) before
 * the disk fills, rather than the primary stopping.
 */
public final class WalBudget {
    /** Kept free for the data itself, the logs and the store: a tenth of the filesystem, at least 64 MB. */
    static final long MIN_RESERVE = 64L << 20;
    /** PostgreSQL's floor for max_wal_size is two 16 MB segments. */
    static final long MIN_MAX_WAL_SIZE = 32L << 20;
    static final long MIN_SLOT_KEEP = 16L << 20;
    static final long DEFAULT_MAX_WAL_SIZE = 1L << 30;

    private final long filesystemBytes;

    WalBudget(long filesystemBytes) {
        this.filesystemBytes = filesystemBytes;
    }

    /** The budget of the filesystem pg_wal is (or will be) on; unlimited when it cannot be read. */
    public static WalBudget of(Path dataDir) {
        try {
            return new WalBudget(Files.getFileStore(DiskSpace.existing(dataDir.resolve("pg_wal"))).getTotalSpace());
        } catch (IOException e) {
            return new WalBudget(Long.MAX_VALUE);
        }
    }

    long budget() {
        long reserve = Math.max(MIN_RESERVE, filesystemBytes / 10);
        return Math.max(0, filesystemBytes - reserve);
    }

    /** max_slot_wal_keep_size: the configured value, or half the budget when that is less. */
    public long slotKeepBytes(long configured) {
        return Math.max(MIN_SLOT_KEEP, Math.min(configured, budget() / 2));
    }

    /** max_wal_size when PostgreSQL's default (1 GB) would not fit a quarter of the budget; empty otherwise. */
    public OptionalLong maxWalSizeBytes() {
        long quarter = budget() / 4;
        return quarter >= DEFAULT_MAX_WAL_SIZE ? OptionalLong.empty() : OptionalLong.of(Math.max(MIN_MAX_WAL_SIZE, quarter));
    }

    public long filesystemBytes() {
        return filesystemBytes;
    }
}
