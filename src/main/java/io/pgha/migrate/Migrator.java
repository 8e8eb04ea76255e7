package io.pgha.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Copies every non-template database and every role of an existing server into the cluster: a {@link Dumper}
 * dump to a private temporary directory, a {@link Loader} load, then a {@link Verifier} check of every table.
 * The source's {@code postgres} database is copied only when it holds data. A migration that fails, or whose
 * check finds a difference (unless the caller keeps it), takes away what it created ({@link Undo}).
 */
public final class Migrator {
    /** How it ended: every check, and whether the copy is on the cluster now. */
    public record Result(List<TableCheck> checks, boolean kept) {
        public boolean allMatch() {
            return checks.stream().allMatch(TableCheck::matches);
        }
    }

    private final PgClient client;
    private final Endpoint source;
    private final Endpoint cluster;
    private final int jobs;
    private final Consumer<String> progress;

    public Migrator(PgClient client, Endpoint source, Endpoint cluster, int jobs, Consumer<String> progress) {
        this.client = client;
        this.source = source;
        this.cluster = cluster;
        this.jobs = jobs;
        this.progress = progress;
    }

    public Result migrate(boolean keepOnMismatch) throws MigrateException {
        List<String> databases = new ArrayList<>();
        String version;
        try (Connection c = source.open("the source")) {
            if (!Catalog.isSuperuser(c))
                throw new MigrateException("user " + source.user() + " is not a superuser on the source: migrate reads every"
                        + " database and the roles' passwords; connect as a superuser (postgresql://postgres@...)");
            version = Catalog.serverVersion(c);
            for (String db : Catalog.databases(c)) {
                if (db.equals("postgres") && !holdsData(db)) continue;
                databases.add(db);
            }
        } catch (SQLException e) {
            throw new MigrateException("cannot read the source's catalog: " + Endpoint.firstLine(e.getMessage()));
        }
        progress.accept("source " + source + " (PostgreSQL " + version + "): databases " + databases);
        try (Connection c = cluster.open("the cluster's primary")) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new MigrateException("the cluster's primary does not answer: " + Endpoint.firstLine(e.getMessage()));
        }
        Path work = workDir();
        try {
            Path dump = work.resolve("dump");
            new Dumper(client, source, jobs, progress).dump(databases, version, dump);
            Undo undo = new Loader(client, cluster, jobs, progress).load(dump, false);
            List<TableCheck> checks;
            try {
                checks = new Verifier(source, cluster, progress).verify(databases);
            } catch (MigrateException e) {
                throw undone(e, undo);
            }
            Result result = new Result(checks, true);
            if (result.allMatch() || keepOnMismatch) return result;
            List<String> left = undo.run(cluster, progress);
            left.forEach(l -> progress.accept("NOT undone: " + l));
            return new Result(checks, false);
        } finally {
            deleteTree(work);
        }
    }

    private boolean holdsData(String db) throws MigrateException {
        try (Connection c = source.in(db).open("the source")) {
            return Catalog.holdsUserData(c);
        } catch (SQLException e) {
            throw new MigrateException("cannot read database " + db + " on the source: " + Endpoint.firstLine(e.getMessage()));
        }
    }

    private MigrateException undone(MigrateException e, Undo undo) {
        List<String> left = undo.run(cluster, progress);
        return new MigrateException(e.getMessage() + (left.isEmpty() ? "; what the migration created was dropped again"
                : "; NOT undone: " + String.join("; ", left)), e);
    }

    private static Path workDir() throws MigrateException {
        try {
            return Files.createTempDirectory("pgha-migrate-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new MigrateException("cannot make a temporary directory in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage() + " (the dump goes there; make room or set java.io.tmpdir)");
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a 0700 temporary directory; the OS's tmp cleaning takes the rest
        }
    }
}
