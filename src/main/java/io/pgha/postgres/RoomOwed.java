package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Bytes that look free on a filesystem but are promised to something else: the store's reserve, once released
 * for the store peer to live on, must not make a full disk look as if PostgreSQL had room again.
 */
@FunctionalInterface
public interface RoomOwed {
    RoomOwed NONE = fs -> 0;

    long bytesOn(FileStore fs) throws IOException;

    /** {@code bytes} owed on the filesystem holding {@code dir}, none on any other. */
    static RoomOwed on(Path dir, LongSupplier bytes) {
        return fs -> fs.equals(Files.getFileStore(DiskSpace.existing(dir))) ? bytes.getAsLong() : 0;
    }
}
