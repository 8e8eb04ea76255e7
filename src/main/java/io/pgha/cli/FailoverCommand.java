package io.pgha.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "failover", description = "Promote a chosen standby while no member leads (when automatic failover"
        + " cannot proceed on its own).")
public final class FailoverCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--candidate", required = true, description = "the standby to promote")
    String candidate;

    @Option(names = "--force", description = "promote it even if it is outside the synchronous set (it may lack commits)")
    boolean force;

    @Option(names = "--timeout", defaultValue = "60", description = "seconds to wait for the promotion (default ${DEFAULT-VALUE})")
    int timeout;

    @Override
    public Integer call() throws Exception {
        return AdminRequests.run(store, admin -> admin.failover(candidate, force), s -> {
            boolean promoted = Polling.until(timeout, 100, () -> {
                var c = s.snapshot();
                return c.leader() != null && c.leader().holder().equals(candidate) && c.failover() == null;
            });
            if (promoted) {
                System.out.println(candidate + " is the primary");
                return 0;
            }
            System.err.println("pgha: " + candidate + " did not become the primary within " + timeout + " s; see its agent's log");
            return 1;
        });
    }
}
