package io.pgha.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Dumps a server into a directory: each database with a parallel {@code pg_dump -Fd -j N}, the roles (with
 * their password hashes) and other globals with {@code pg_dumpall --globals-only}, and {@link DumpManifest}.
 * Everything is left owner-only (files 0600, directories 0700).
 */
public final class Dumper {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private final PgClient client;
    private final Endpoint server;
    private final int jobs;
    private final Consumer<String> progress;

    public Dumper(PgClient client, Endpoint server, int jobs, Consumer<String> progress) {
        this.client = client;
        this.server = server;
        this.jobs = jobs;
        this.progress = progress;
    }

    /** Refuses a directory that exists and is not empty, before anything is written. */
    public static void requireNewOrEmpty(Path out) throws MigrateException {
        if (!Files.exists(out)) return;
        if (!Files.isDirectory(out)) throw new MigrateException("--out " + out + " is a file: give a new or empty directory");
        try (Stream<Path> s = Files.list(out)) {
            if (s.findAny().isPresent())
                throw new MigrateException("--out " + out + " is not empty: give a new or empty directory (a dump never"
                        + " overwrites or mixes with other files)");
        } catch (IOException e) {
            throw new MigrateException("cannot read --out " + out + ": " + e.getMessage());
        }
    }

    /** Dumps {@code only} (null: every non-template database) into {@code out}, which must be new or empty. */
    public DumpManifest dump(String only, Path out) throws MigrateException {
        requireNewOrEmpty(out);
        List<String> databases;
        String version;
        try (Connection c = server.open("the server to dump")) {
            databases = Catalog.databases(c);
            version = Catalog.serverVersion(c);
        } catch (SQLException e) {
            throw new MigrateException("cannot list the databases of " + server + ": " + Endpoint.firstLine(e.getMessage()));
        }
        if (only != null) {
            if (!databases.contains(only))
                throw new MigrateException("--db " + only + ": no such database on " + server + " (it has " + databases + ")");
            databases = List.of(only);
        }
        return dump(databases, version, out);
    }

    /** Dumps exactly {@code databases} of a server of {@code version} into {@code out}. */
    public DumpManifest dump(List<String> databases, String version, Path out) throws MigrateException {
        try {
            Files.createDirectories(out);
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
            Path globals = out.resolve(DumpManifest.GLOBALS);
            Files.createFile(globals, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            progress.accept("dumping roles and globals");
            List<String> args = new ArrayList<>(PgClient.connection(server));
            args.addAll(List.of("-l", server.database(), "--globals-only", "-f", globals.toString()));
            client.run("pg_dumpall --globals-only of " + server, "pg_dumpall", args);
            List<DumpManifest.Database> dumped = new ArrayList<>();
            for (int i = 0; i < databases.size(); i++) {
                String db = databases.get(i);
                String dir = PLAIN_NAME.matcher(db).matches() ? db : "db-" + (i + 1);
                progress.accept("dumping " + db + " (" + (i + 1) + "/" + databases.size() + ")");
                List<String> dumpArgs = new ArrayList<>(PgClient.connection(server));
                dumpArgs.addAll(List.of("-d", "dbname=" + Catalog.conninfoValue(db), "-Fd", "-j", String.valueOf(jobs),
                        "-f", out.resolve(dir).toString()));
                client.run("pg_dump of database " + db, "pg_dump", dumpArgs);
                dumped.add(new DumpManifest.Database(db, dir));
            }
            DumpManifest manifest = new DumpManifest(1, version, Instant.now().toString(), DumpManifest.GLOBALS, dumped);
            manifest.write(out);
            ownerOnly(out);
            return manifest;
        } catch (IOException e) {
            throw new MigrateException("cannot write the dump into " + out + ": " + e.getMessage() + " (check the path and free space)");
        }
    }

    /** Files 0600, directories 0700, all the way down: a dump holds password hashes. */
    static void ownerOnly(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
        }
    }
}
