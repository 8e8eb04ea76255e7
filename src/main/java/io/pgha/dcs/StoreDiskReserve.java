package io.pgha.dcs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room kept for the store peer on a filesystem it may share with PostgreSQL: a file of real bytes in the
 * peer's data directory, deleted when the filesystem is nearly full so that the peer can still write its few
 * megabytes, and written again once space has come back.
 */
public final class StoreDiskReserve {
    private static final Logger log = LoggerFactory.getLogger(StoreDiskReserve.class);
    public static final String FILE = "pgha-store-reserve";
    public static final long RESERVE_BYTES = 32L << 20;
    /** Released under this much usable space: by then PostgreSQL cannot add a 16 MB WAL segment any more. */
    static final long RELEASE_BELOW = 12L << 20;
    /** Written again only with this much more than the reserve free, so that it does not flap. */
    static final long RESTORE_ABOVE = RESERVE_BYTES + (64L << 20);

    private final Path file;

    public StoreDiskReserve(Path storeDataDir) {
        this.file = storeDataDir.resolve(FILE);
    }

    public boolean held() {
        return Files.exists(file);
    }

    /** Bytes of the reserve released to the store peer: free on disk, but the store's. */
    public long owedBytes() {
        return held() ? 0 : RESERVE_BYTES;
    }

    /** One check: release or restore the reserve by the filesystem's usable space now. */
    public void check() {
        try {
            long usable = Files.getFileStore(file.getParent()).getUsableSpace();
            if (held() && usable < RELEASE_BELOW) {
                Files.deleteIfExists(file);
                log.warn("store data filesystem nearly full ({} MB usable): released the {} MB reserve kept for the store",
                        usable >> 20, RESERVE_BYTES >> 20);
            } else if (!held() && usable > RESTORE_ABOVE) {
                write();
                log.info("store data filesystem has {} MB usable: {} MB reserve for the store written", usable >> 20,
                        RESERVE_BYTES >> 20);
            }
        } catch (IOException e) {
            log.warn("store disk reserve: {}", e.toString());
        }
    }

    /** Real bytes, not a sparse file: a sparse file would hold no room on ext4, xfs or tmpfs. */
    private void write() throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (long written = 0; written < RESERVE_BYTES; written += block.length) out.write(block);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
