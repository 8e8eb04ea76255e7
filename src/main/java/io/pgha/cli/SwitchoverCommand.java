package io.pgha.cli;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Store;
import io.pgha.dcs.Switchover;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "switchover", description = "Hand the primary role to a healthy standby, without losing a commit"
        + " and without rewinding the old primary.")
public final class SwitchoverCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--candidate", description = "the standby to promote (default: the most advanced fit one)")
    String candidate;

    @Option(names = "--leader", description = "the expected current leader (refused if it is not)")
    String leader;

    @Option(names = "--scheduled-at", description = "when, as ISO-8601 (e.g. 2026-12-01T03:00:00Z); default now")
    String scheduledAt;

    @Option(names = "--timeout", defaultValue = "60", description = "seconds to wait for it to finish (default ${DEFAULT-VALUE})")
    int timeout;

    private long requestedAt;

    @Override
    public Integer call() throws Exception {
        Instant at = scheduledInstant();
        return AdminRequests.run(store, admin -> {
            requestedAt = System.nanoTime();
            return admin.switchover(leader, candidate, at);
        }, s -> at != null ? 0 : awaitNewPrimary(s));
    }

    private Instant scheduledInstant() {
        if (scheduledAt == null) return null;
        try {
            return Instant.parse(scheduledAt);
        } catch (DateTimeParseException e) {
            throw new UsageError("--scheduled-at '" + scheduledAt + "' is not an ISO-8601 instant such as 2026-12-01T03:00:00Z");
        }
    }

    private int awaitNewPrimary(Store s) throws Exception {
        Switchover planned = s.snapshot().switchover();
        String target = planned == null ? candidate : planned.candidate();
        Optional<ClusterSnapshot> settled = Polling.firstMatching(timeout, 50, s::snapshot,
                c -> c.switchover() == null && c.leader() != null);
        if (settled.isEmpty()) {
            System.err.println("pgha: the switchover has not finished after " + timeout + " s; see pgha list and the agents' logs");
            return 1;
        }
        String holder = settled.get().leader().holder();
        if (!holder.equals(target)) {
            System.err.println("pgha: the switchover was abandoned; " + holder + " leads");
            return 1;
        }
        System.out.printf("%s is the primary (%.2f s)%n", target, (System.nanoTime() - requestedAt) / 1e9);
        return 0;
    }
}
