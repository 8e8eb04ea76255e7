package io.pgha.cli;

import io.pgha.admin.ClusterAdmin;
import io.pgha.config.HaSettings;
import io.pgha.dcs.ZookeeperStore;
import io.pgha.admin.Outcome;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "reinit", description = "Rebuild a standby from a fresh clone of the leader; its data directory is"
        + " moved aside, never deleted.")
public final class ReinitCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "MEMBER", description = "the standby to rebuild")
    String member;

    @Override
    public Integer call() throws Exception {
        try (ZookeeperStore s = store.connect()) {
            Outcome r = new ClusterAdmin(s, HaSettings.defaults()).reinitialize(member);
            if (!r.succeeded()) {
                System.err.println("pgha: " + r.message());
                return 1;
            }
            System.out.println(r.message());
        }
        return 0;
    }
}
