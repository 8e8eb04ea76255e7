package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's log files in the run directory: the logging collector's files, rotated by size and pruned to the
 * newest {@code files} (and {@code files × fileSize} in all), and the start-up file {@code postgresql.log}, which
 * gets only what the postmaster prints before its collector runs. The collector never deletes a file, and a cyclic
 * log_filename bounds the count but not the size (a size rotation reopens the current name for appending), so the
 * agent prunes.
 */
final class ServerLogs {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    static final String PREFIX = "postgresql-";
    /** Sorts by time; a rotation within the same second appends to the same file, so a file holds at least one second. */
    static final String FILENAME = PREFIX + "%Y-%m-%d_%H%M%S.log";

    static final long PRUNE_EVERY_NANOS = 1_000_000_000L;

    private record LogFile(Path path, long size, FileTime modified) {}

    private final DataDirectory dir;
    private final long fileSize;
    private final int files;
    private String lastFailure;
    private long prunedAtNanos;

    ServerLogs(DataDirectory dir, long fileSize, int files) {
        this.dir = dir;
        this.fileSize = fileSize;
        this.files = files;
    }

    /** Deletes the oldest collector files beyond the newest {@code files} or beyond {@code files × fileSize} in all. */
    void prune() {
        prunedAtNanos = System.nanoTime();
        try {
            List<LogFile> found = collectorFiles();
            long total = 0;
            for (int i = 0; i < found.size(); i++) {
                LogFile f = found.get(i);
                total += f.size();
                // the newest is the one PostgreSQL writes to: never deleted
                if (i > 0 && (i >= files || total > files * fileSize)) Files.deleteIfExists(f.path());
            }
            lastFailure = null;
        } catch (IOException e) {
            String failure = e.toString();
            if (!failure.equals(lastFailure)) log.warn("cannot prune PostgreSQL's log files in {}: {}", dir.runDir(), failure);
            lastFailure = failure;
        }
    }

    /** {@link #prune()} at most once a second: the loop may run many times a second, a directory listing need not. */
    void pruneIfDue() {
        if (System.nanoTime() - prunedAtNanos >= PRUNE_EVERY_NANOS) prune();
    }

    /** Before a start: the start-up file, once over {@code fileSize}, becomes {@code postgresql.log.1} (replacing it). */
    void capStartupLog() throws IOException {
        Path startup = dir.serverLog();
        if (Files.exists(startup) && Files.size(startup) > fileSize) {
            Files.move(startup, startup.resolveSibling(startup.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Where to read why a start failed: the start-up file's tail, and the newest collector file's. */
    String tails(int lines) {
        StringBuilder sb = new StringBuilder(dir.serverLog() + ":\n" + dir.tailOfServerLog(lines));
        try {
            List<LogFile> found = collectorFiles();
            if (!found.isEmpty()) {
                List<String> all = Files.readAllLines(found.get(0).path());
                sb.append('\n').append(found.get(0).path()).append(":\n")
                        .append(String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())));
            }
        } catch (IOException e) {
            sb.append("\n(cannot read the collector's log files: ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }

    /** The collector's files (any extension, for csvlog and jsonlog), newest first. */
    private List<LogFile> collectorFiles() throws IOException {
        if (!Files.isDirectory(dir.runDir())) return List.of();
        List<LogFile> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.runDir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().startsWith(PREFIX)) continue;
                try {
                    out.add(new LogFile(p, Files.size(p), Files.getLastModifiedTime(p)));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // deleted meanwhile
                }
            }
        }
        out.sort(Comparator.comparing(LogFile::modified).thenComparing(f -> f.path().getFileName().toString()).reversed());
        return out;
    }
}
