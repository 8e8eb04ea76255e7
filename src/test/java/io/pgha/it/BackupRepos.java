package io.pgha.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

/** A pgBackRest repository directory for a test cluster, and the node YAML that points at it. */
final class BackupRepos {
    private BackupRepos() {}

    /** {@code dir}/repo, owned by PostgreSQL's OS user (pgBackRest runs as that user). */
    static Path create(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path repo = Files.createDirectories(dir.resolve("repo"));
        UserPrincipal postgres = repo.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(repo, postgres);
        Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("rwx------"));
        return repo;
    }

    /** Removes the repository's directory and everything in it. */
    static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static String section(Path repo, String archiveTimeout) {
        return "backup:\n  repository: {path: " + repo + "}\n  archive_timeout: " + archiveTimeout + "\n";
    }
}
