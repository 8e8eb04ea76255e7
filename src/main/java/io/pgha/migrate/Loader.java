package io.pgha.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Restores a {@code pgha dump} directory into the cluster's primary: the globals first (roles the cluster has
 * already are kept as they are, see {@link GlobalsFilter}), then each database, a new one with a parallel
 * {@code pg_restore -j N --create}, an existing empty one in a single transaction ({@code pg_restore -1}).
 * A database of the same name that holds data is refused before anything changes, unless {@code dropExisting}.
 * A load that fails takes away what it created ({@link Undo}).
 */
public final class Loader {
    private final PgClient client;
    private final Endpoint target;
    private final int jobs;
    private final Consumer<String> progress;

    public Loader(PgClient client, Endpoint target, int jobs, Consumer<String> progress) {
        this.client = client;
        this.target = target;
        this.jobs = jobs;
        this.progress = progress;
    }

    private record Plan(List<DumpManifest.Database> create, List<DumpManifest.Database> fill, List<String> drop) {}

    /** Loads the dump; returns what it created, so a caller that fails later can undo it. */
    public Undo load(Path from, boolean dropExisting) throws MigrateException {
        DumpManifest manifest = DumpManifest.read(from);
        String globals;
        try {
            globals = Files.readString(from.resolve(manifest.globals()));
        } catch (IOException e) {
            throw new MigrateException("cannot read " + from.resolve(manifest.globals()) + ": " + e.getMessage());
        }
        Plan plan;
        Set<String> roles;
        try (Connection c = target.open("the cluster's primary")) {
            plan = plan(c, manifest, dropExisting);
            roles = Catalog.roles(c);
        } catch (SQLException e) {
            throw new MigrateException("cannot read the catalog of " + target + ": " + Endpoint.firstLine(e.getMessage()));
        }
        Undo undo = new Undo();
        try {
            loadGlobals(GlobalsFilter.filter(globals, roles), undo);
            for (String db : plan.drop()) dropForReplace(db);
            for (DumpManifest.Database d : plan.create()) {
                progress.accept("loading " + d.name() + " (new database)");
                undo.createdDatabase(d.name());
                restore(List.of("-d", "dbname=" + Catalog.conninfoValue(target.database()), "--create", "-j", String.valueOf(jobs)),
                        from.resolve(d.dir()), d.name());
            }
            for (DumpManifest.Database d : plan.fill()) {
                progress.accept("loading " + d.name() + " (into the existing empty database, one transaction)");
                restore(List.of("-d", "dbname=" + Catalog.conninfoValue(d.name()), "--single-transaction"), from.resolve(d.dir()), d.name());
                undo.filledExisting(d.name());
            }
            return undo;
        } catch (MigrateException e) {
            List<String> left = undo.run(target, progress);
            throw new MigrateException(e.getMessage() + (left.isEmpty() ? "; nothing it created was kept"
                    : "; NOT undone: " + String.join("; ", left)), e);
        }
    }

    /** Sorts the dump's databases into new and existing-but-empty ones; refuses ones that hold data. */
    private Plan plan(Connection c, DumpManifest manifest, boolean dropExisting) throws SQLException, MigrateException {
        List<DumpManifest.Database> create = new ArrayList<>();
        List<DumpManifest.Database> fill = new ArrayList<>();
        List<String> drop = new ArrayList<>();
        List<String> holdingData = new ArrayList<>();
        for (DumpManifest.Database d : manifest.databases()) {
            if (!Catalog.databaseExists(c, d.name())) {
                create.add(d);
                continue;
            }
            boolean data;
            try (Connection in = target.in(d.name()).connect()) {
                data = Catalog.holdsUserData(in);
            }
            if (!data) fill.add(d);
            else if (dropExisting && !d.name().equals(target.database())) {
                drop.add(d.name());
                create.add(d);
            } else holdingData.add(d.name());
        }
        if (!holdingData.isEmpty()) {
            String fix = holdingData.contains(target.database())
                    ? "empty it by hand (it is the maintenance database, never dropped)"
                    : "add --drop-existing to replace it, or drop it first (DROP DATABASE ...)";
            throw new MigrateException("the cluster already has database" + (holdingData.size() > 1 ? "s " : " ")
                    + String.join(", ", holdingData) + " holding tables or other data: " + fix + "; nothing was changed");
        }
        return new Plan(create, fill, drop);
    }

    private void loadGlobals(GlobalsFilter.Result globals, Undo undo) throws MigrateException {
        progress.accept("loading roles: " + (globals.creates().isEmpty() ? "none new" : String.join(", ", globals.creates()))
                + (globals.kept().isEmpty() ? "" : "; kept as the cluster has them: " + String.join(", ", globals.kept())));
        if (globals.tablespaceLines() > 0)
            progress.accept("tablespaces are not carried over: everything goes to the cluster's default tablespace");
        Path script;
        try {
            script = Files.createTempFile("pgha-globals-", ".sql",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(script, globals.script());
        } catch (IOException e) {
            throw new MigrateException("cannot write a temporary file for the roles: " + e.getMessage());
        }
        try {
            undo.createdRoles(globals.creates());
            List<String> args = new ArrayList<>(PgClient.connection(target));
            args.addAll(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "dbname=" + Catalog.conninfoValue(target.database()),
                    "-f", script.toString()));
            client.run("loading the roles and globals", "psql", args);
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException ignored) {
                // a 0600 temporary file; the OS's tmp cleaning takes it
            }
        }
    }

    private void dropForReplace(String db) throws MigrateException {
        progress.accept("dropping the existing database " + db + " (--drop-existing)");
        try (Connection c = target.open("the cluster's primary")) {
            Catalog.dropDatabase(c, db);
        } catch (SQLException e) {
            throw new MigrateException("cannot drop database " + db + ": " + Endpoint.firstLine(e.getMessage()));
        }
    }

    private void restore(List<String> how, Path dir, String db) throws MigrateException {
        List<String> args = new ArrayList<>(PgClient.connection(target));
        args.addAll(how);
        args.addAll(List.of("--no-tablespaces", "--exit-on-error", dir.toString()));
        client.run("pg_restore of database " + db, "pg_restore", args);
    }
}
