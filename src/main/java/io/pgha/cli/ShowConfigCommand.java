package io.pgha.cli;

import io.pgha.dcs.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "show-config", description = "Show the cluster-wide PostgreSQL parameters set with edit-config.")
public final class ShowConfigCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws Exception {
        try (Store s = store.connect()) {
            var params = s.snapshot().parameters();
            System.out.println("postgresql:");
            System.out.println("  parameters:" + (params.isEmpty() ? " {}" : ""));
            params.forEach((k, v) -> System.out.println("    " + k + ": '" + v.replace("'", "''") + "'"));
        }
        return 0;
    }
}
