package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free and total bytes of the filesystems holding the data directory and pg_wal (the same numbers twice when
 * pg_wal is not a link to another filesystem); all 0 when unknown.
 */
public record DiskSpace(long dataFreeBytes, long dataSizeBytes, long walFreeBytes, long walSizeBytes) {
    public static final DiskSpace UNKNOWN = new DiskSpace(0, 0, 0, 0);
    /** Under this share of a filesystem free, {@code pgha list}, /metrics and the agent's log warn. */
    public static final int LOW_PERCENT = 10;

    public static DiskSpace of(Path dataDir) {
        return of(dataDir, RoomOwed.NONE);
    }

    /** Free bytes less what {@code owed} says already belongs to someone else on each filesystem. */
    public static DiskSpace of(Path dataDir, RoomOwed owed) {
        try {
            FileStore data = Files.getFileStore(existing(dataDir));
            Path walDir = dataDir.resolve("pg_wal");
            FileStore wal = Files.isDirectory(walDir) ? Files.getFileStore(walDir) : data;
            return new DiskSpace(free(data, owed), data.getTotalSpace(), free(wal, owed), wal.getTotalSpace());
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    private static long free(FileStore fs, RoomOwed owed) throws IOException {
        return Math.max(0, fs.getUsableSpace() - owed.bytesOn(fs));
    }

    /** {@code p}, or its nearest existing parent (a data directory not made yet lives on its parent's filesystem). */
    static Path existing(Path p) {
        Path at = p.toAbsolutePath();
        while (at.getParent() != null && !Files.exists(at)) at = at.getParent();
        return at;
    }

    /** Under this much usable space PostgreSQL cannot add a 16 MB WAL segment nor, soon, a table page. */
    public static final long FULL_BELOW = 16L << 20;

    /** The data or pg_wal filesystem is (all but) full: a primary here cannot be counted on to write. */
    public boolean full() {
        return known() && Math.min(dataFreeBytes, walFreeBytes) < FULL_BELOW;
    }

    public boolean known() {
        return dataSizeBytes > 0;
    }

    /** Either filesystem has less than {@link #LOW_PERCENT} of its size free. */
    public boolean low() {
        return known() && (low(dataFreeBytes, dataSizeBytes) || low(walFreeBytes, walSizeBytes));
    }

    private static boolean low(long free, long size) {
        return size > 0 && free * 100 < size * LOW_PERCENT;
    }

    public String describe() {
        String data = "data filesystem " + (dataFreeBytes >> 20) + " of " + (dataSizeBytes >> 20) + " MB free";
        if (walSizeBytes == dataSizeBytes && walFreeBytes == dataFreeBytes) return data;
        return data + ", pg_wal filesystem " + (walFreeBytes >> 20) + " of " + (walSizeBytes >> 20) + " MB free";
    }
}
