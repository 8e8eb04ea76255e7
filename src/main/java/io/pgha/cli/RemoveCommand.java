package io.pgha.cli;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "remove", description = "Remove a member that is gone for good: the primary drops its replication slot,"
        + " so it no longer holds WAL back.")
public final class RemoveCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "MEMBER", description = "the member's name")
    String member;

    @Override
    public Integer call() throws Exception {
        try (Store s = store.connect()) {
            ClusterSnapshot snap = s.snapshot();
            if (!snap.members().containsKey(member))
                throw new UsageError("no member '" + member + "' in cluster " + store.clusterName()
                        + "; members: " + String.join(", ", snap.members().keySet()));
            if (snap.leader() != null && snap.leader().holder().equals(member))
                throw new UsageError(member + " is the leader; it cannot be removed");
            if (snap.isAlive(member))
                throw new UsageError(member + "'s agent is running; stop it first, then remove the member");
            s.removeMember(member);
            System.out.println("removed " + member + "; the primary drops its replication slot");
        }
        return 0;
    }
}
