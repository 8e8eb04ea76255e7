package io.pgha.cli;

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
        return AdminRequests.run(store, admin -> admin.reinitialize(member));
    }
}
