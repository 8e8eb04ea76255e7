package io.pgha.cli;

import io.pgha.dcs.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "pause", description = "Maintenance mode: agents keep reporting but act on no failure (no promotion, no restart,"
        + " no rewind) until pgha resume; a primary that loses the store still stops taking writes.")
public final class PauseCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws Exception {
        try (Store s = store.connect()) {
            s.setPaused(true);
            System.out.println("cluster " + store.clusterName() + " paused: automatic failover is off until pgha resume");
        }
        return 0;
    }
}
