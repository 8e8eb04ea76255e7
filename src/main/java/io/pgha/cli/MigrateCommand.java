package io.pgha.cli;

import io.pgha.config.NodeConfig;
import io.pgha.dcs.Store;
import io.pgha.migrate.ClusterPrimary;
import io.pgha.migrate.Endpoint;
import io.pgha.migrate.Migrator;
import io.pgha.migrate.PassFile;
import io.pgha.migrate.PgClient;
import io.pgha.migrate.PgPass;
import io.pgha.migrate.SourceUrl;
import io.pgha.migrate.TableCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "migrate", description = "Copy every database and role of an existing PostgreSQL server into the cluster, then check every table.")
public final class MigrateCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--from", paramLabel = "URL", required = true,
            description = "the source: postgresql://user@host:port/dbname (a superuser; no password in the URL)")
    String from;

    @Option(names = "--from-password-file", paramLabel = "FILE",
            description = "a file (mode 0600) holding the source user's password (default: PGPASSFILE or ~/.pgpass)")
    Path passwordFile;

    @Option(names = "--keep-on-mismatch", description = "keep the copy when a table's check differs (default: drop it again)")
    boolean keepOnMismatch;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "parallel pg_dump/pg_restore jobs per database (default: CPUs)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1) throw new UsageError("-j must be 1 or more, not " + jobs);
        Endpoint source = withPassword(SourceUrl.parse(from));
        NodeConfig config = store.nodeConfig("pgha migrate");
        PgClient.requireTools(config.postgres().binDir(), "pg_dump", "pg_dumpall", "pg_restore", "psql");
        Endpoint primary;
        try (Store s = store.connect()) {
            primary = ClusterPrimary.find(config, s);
        }
        PrintWriter o = spec.commandLine().getOut();
        Migrator.Result r;
        try (PassFile pass = PassFile.of(List.of(source, primary))) {
            r = new Migrator(new PgClient(config.postgres().binDir(), pass), source, primary, jobs, o::println).migrate(keepOnMismatch);
        }
        o.print(TableCheck.render(r.checks()));
        long bad = r.checks().stream().filter(t -> !t.matches()).count();
        if (bad == 0) {
            o.println("migrated: all " + r.checks().size() + " tables match between " + source + " and the cluster");
            return 0;
        }
        spec.commandLine().getErr().println("pgha: " + bad + " of " + r.checks().size() + " tables differ; "
                + (r.kept() ? "the copy is kept on the cluster (--keep-on-mismatch)"
                        : "the copy was dropped again; rerun with --keep-on-mismatch to look at it"));
        return 1;
    }

    private Endpoint withPassword(Endpoint e) throws Exception {
        String password = passwordFile != null
                ? PgPass.passwordFile(passwordFile, "--from-password-file")
                : PgPass.lookup(e, System.getenv("PGPASSFILE"), Path.of(System.getProperty("user.home"))).orElse(null);
        return new Endpoint(e.host(), e.port(), e.user(), password, e.database());
    }
}
