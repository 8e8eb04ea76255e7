package io.pgha.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A temporary pgpass file (mode 0600 from its creation) through which pg_dump, pg_restore and psql get
 * passwords: the {@code PGPASSFILE} variable names it, so no password is ever in a process's arguments.
 * Deleted on close.
 */
public final class PassFile implements AutoCloseable {
    private final Path file;

    private PassFile(Path file) {
        this.file = file;
    }

    /** A passfile with one line per endpoint that has a password (any database on that host, port and user). */
    public static PassFile of(List<Endpoint> endpoints) throws MigrateException {
        try {
            Path f = Files.createTempFile("pgha-pass-", ".pgpass",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            StringBuilder sb = new StringBuilder();
            for (Endpoint e : endpoints) {
                if (e.password() == null) continue;
                sb.append(escape(e.host())).append(':').append(e.port()).append(":*:")
                        .append(escape(e.user())).append(':').append(escape(e.password())).append('\n');
            }
            Files.writeString(f, sb.toString());
            return new PassFile(f);
        } catch (IOException e) {
            throw new MigrateException("cannot write a temporary password file in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage() + " (make room there or set java.io.tmpdir)");
        }
    }

    static String escape(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    public Path path() {
        return file;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
