package io.pgha.cli;

import io.pgha.config.NodeConfig;
import io.pgha.dcs.Store;
import io.pgha.migrate.ClusterPrimary;
import io.pgha.migrate.DumpManifest;
import io.pgha.migrate.Dumper;
import io.pgha.migrate.Endpoint;
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

@Command(name = "dump", description = "Dump the primary's databases (or one) and its roles into a new directory (pg_dump -Fd -j).")
public final class DumpCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--db", paramLabel = "NAME", description = "dump only this database (default: every non-template one)")
    String db;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "a new or empty directory to write the dump into")
    Path out;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "parallel pg_dump jobs per database (default: CPUs)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1) throw new UsageError("-j must be 1 or more, not " + jobs);
        Dumper.requireNewOrEmpty(out);
        NodeConfig config = store.nodeConfig("pgha dump");
        PgClient.requireTools(config.postgres().binDir(), "pg_dump", "pg_dumpall");
        Endpoint primary;
        try (Store s = store.connect()) {
            primary = ClusterPrimary.find(config, s);
        }
        PrintWriter o = spec.commandLine().getOut();
        try (PassFile pass = PassFile.of(List.of(primary))) {
            DumpManifest m = new Dumper(new PgClient(config.postgres().binDir(), pass), primary, jobs, o::println).dump(db, out);
            o.println("dumped " + m.databases().size() + " database(s) and the roles of " + primary + " into " + out);
        }
        return 0;
    }
}
