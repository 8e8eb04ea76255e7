package io.pgha.cli;

import io.pgha.dcs.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "resume", description = "Leave maintenance mode: the agents act on failures again.")
public final class ResumeCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws Exception {
        try (Store s = store.connect()) {
            s.setPaused(false);
            System.out.println("cluster " + store.clusterName() + " resumed: automatic failover is on");
        }
        return 0;
    }
}
