package io.pgha.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files of one node: the PostgreSQL data directory and pgha's run directory beside it (password
 * file, server log, socket). Everything is owned by the PostgreSQL OS user and closed to others.
 */
public final class DataDirectory {
    /** Marks a data directory as a member of a pgha cluster; copied to standbys by pg_basebackup. */
    public static final String MARKER = "pgha.cluster";

    public enum State { EMPTY, MEMBER, FOREIGN, OTHER_CLUSTER }

    private final Path dataDir;
    private final Path runDir;
    private final String osUser;

    public DataDirectory(Path dataDir, String osUser) {
        this.dataDir = dataDir;
        this.runDir = dataDir.resolveSibling(dataDir.getFileName() + ".run");
        this.osUser = osUser;
    }

    public Path path() {
        return dataDir;
    }

    public Path runDir() {
        return runDir;
    }

    public Path passFile() {
        return runDir.resolve("pgpass");
    }

    public Path serverLog() {
        return runDir.resolve("postgresql.log");
    }

    public State state(String cluster) {
        if (!Files.isDirectory(dataDir)) return State.EMPTY;
        try (Stream<Path> s = Files.list(dataDir)) {
            if (s.findAny().isEmpty()) return State.EMPTY;
        } catch (IOException e) {
            return State.FOREIGN;
        }
        Path marker = dataDir.resolve(MARKER);
        if (!Files.exists(dataDir.resolve("PG_VERSION")) || !Files.exists(marker)) return State.FOREIGN;
        try {
            return Files.readString(marker).trim().equals(cluster) ? State.MEMBER : State.OTHER_CLUSTER;
        } catch (IOException e) {
            return State.FOREIGN;
        }
    }

    public boolean hasData() {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    public boolean standbySignal() {
        return Files.exists(dataDir.resolve("standby.signal"));
    }

    /** Creates the run directory (and the data directory when asked) owned by the OS user, mode 0700. */
    public void prepare(boolean createDataDir) throws IOException {
        ensureDirectory(runDir);
        if (createDataDir) ensureDirectory(dataDir);
    }

    void ensureDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        chown(dir);
    }

    /** Writes a file only the OS user can read, replacing it atomically. */
    public void writePrivate(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        chown(tmp);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes the file only when its content differs; true when it changed. */
    public boolean writeIfChanged(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file).equals(content)) return false;
        writePrivate(file, content);
        return true;
    }

    public void appendLineOnce(Path file, String line) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "";
        if (text.lines().anyMatch(l -> l.equals(line))) return;
        writePrivate(file, text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + line + "\n");
    }

    public void chown(Path p) throws IOException {
        if (!OsCommand.runningAsRoot() || "root".equals(osUser)) return;
        UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(lookup.lookupPrincipalByName(osUser));
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(osUser);
        view.setGroup(group);
    }

    public void touchOwned(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        chown(file);
    }

    /** The postmaster's PID from postmaster.pid, when that process is alive and is a postgres. */
    public Optional<ProcessHandle> postmaster() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) return Optional.empty();
            long pid = Long.parseLong(lines.get(0).trim());
            return ProcessHandle.of(pid).filter(Processes::isRunning)
                    .filter(h -> h.info().command().map(c -> c.endsWith("postgres") || c.endsWith("postmaster")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Waits until no lock file of this server names a killed, not yet reaped, process: PostgreSQL would refuse to start. */
    public void awaitDeadServerReaped() throws PostgresException {
        LockHolders.awaitZombiesReaped(dataDir, runDir, java.time.Duration.ofSeconds(10));
    }

    /** The status line of postmaster.pid ("starting", "ready", "standby", ...) when it names {@code pid}. */
    public String postmasterStatus(long pid) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            if (lines.size() < 8 || !lines.get(0).trim().equals(String.valueOf(pid))) return null;
            return lines.get(7).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Invariant 5: a data directory is moved aside, never deleted. */
    public Path moveAside() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = dataDir.resolveSibling(dataDir.getFileName() + ".moved-" + stamp);
        Files.move(dataDir, target);
        return target;
    }

    public String tailOfServerLog(int lines) {
        try {
            List<String> all = Files.readAllLines(serverLog());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no server log at " + serverLog() + ")";
        }
    }
}
