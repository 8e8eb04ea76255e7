package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PostgreSQL's archive status files ({@code pg_wal/archive_status/<segment>.ready|.done}). A standby marks the
 * segments it streamed as done without archiving them; if the old primary died before archiving them, the
 * archive would have a gap at every failover. Marked ready just before promotion, the new primary's archiver
 * pushes them, and pgBackRest skips the ones the archive already holds (same checksum).
 */
final class ArchiveStatus {
    private static final String SEGMENT = "[0-9A-F]{24}";

    private ArchiveStatus() {}

    /** Turns every complete streamed segment's {@code .done} into {@code .ready}; returns how many. */
    static int markStreamedForArchive(Path dataDir) throws IOException {
        Path status = dataDir.resolve("pg_wal").resolve("archive_status");
        if (!Files.isDirectory(status)) return 0;
        int marked = 0;
        try (DirectoryStream<Path> done = Files.newDirectoryStream(status, "*.done")) {
            for (Path d : done) {
                String segment = d.getFileName().toString().replace(".done", "");
                if (!segment.matches(SEGMENT) || !Files.exists(dataDir.resolve("pg_wal").resolve(segment))) continue;
                Path ready = status.resolve(segment + ".ready");
                if (Files.exists(ready)) continue;
                Files.move(d, ready);
                marked++;
            }
        }
        return marked;
    }
}
