package io.pgha.cli;

import io.pgha.config.NodeConfig;
import io.pgha.dcs.Store;
import io.pgha.migrate.ClusterPrimary;
import io.pgha.migrate.DumpManifest;
import io.pgha.migrate.Endpoint;
import io.pgha.migrate.Loader;
import io.pgha.migrate.PassFile;
import io.pgha.migrate.PgClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "load", description = "Restore a directory made by pgha dump into the primary: roles first, then each database (pg_restore -j).")
public final class LoadCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--from", paramLabel = "DIR", required = true, description = "the directory pgha dump --out wrote")
    Path from;

    @Option(names = "--drop-existing", description = "replace a database of the same name that holds data (default: refuse)")
    boolean dropExisting;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "parallel pg_restore jobs per database (default: CPUs)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1) throw new UsageError("-j must be 1 or more, not " + jobs);
        DumpManifest manifest = DumpManifest.read(from);
        NodeConfig config = store.nodeConfig("pgha load");
        PgClient.requireTools(config.postgres().binDir(), "pg_restore", "psql");
        Endpoint primary;
        try (Store s = store.connect()) {
            primary = ClusterPrimary.find(config, s);
        }
        PrintWriter o = spec.commandLine().getOut();
        try (PassFile pass = PassFile.of(List.of(primary))) {
            new Loader(new PgClient(config.postgres().binDir(), pass), primary, jobs, o::println).load(from, dropExisting);
            o.println("loaded " + manifest.databases().size() + " database(s) and the roles from " + from + " into " + primary);
        }
        return 0;
    }
}
