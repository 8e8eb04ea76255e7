package io.pgha.cli;

import io.pgha.admin.ClusterAdmin;
import io.pgha.config.ConfigLoader;
import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.ZookeeperStore;
import io.pgha.admin.Outcome;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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

    @Override
    public Integer call() throws Exception {
        Instant at = null;
        if (scheduledAt != null) {
            try {
                at = Instant.parse(scheduledAt);
            } catch (DateTimeParseException e) {
                throw new UsageError("--scheduled-at '" + scheduledAt + "' is not an ISO-8601 instant such as 2026-12-01T03:00:00Z");
            }
        }
        HaSettings settings = store.config != null ? ConfigLoader.load(store.config).ha() : HaSettings.defaults();
        try (ZookeeperStore s = store.connect()) {
            long t0 = System.nanoTime();
            Outcome r = new ClusterAdmin(s, settings).switchover(leader, candidate, at);
            if (!r.succeeded()) {
                System.err.println("pgha: " + r.message());
                return 1;
            }
            System.out.println(r.message());
            if (at != null) return 0;
            String target = s.snapshot().switchover() == null ? candidate : s.snapshot().switchover().candidate();
            long deadline = System.nanoTime() + timeout * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                ClusterSnapshot c = s.snapshot();
                if (c.switchover() == null && c.leader() != null && c.leader().holder().equals(target)) {
                    System.out.printf("%s is the primary (%.2f s)%n", target, (System.nanoTime() - t0) / 1e9);
                    return 0;
                }
                if (c.switchover() == null && c.leader() != null && !c.leader().holder().equals(target)) {
                    System.err.println("pgha: the switchover was abandoned; " + c.leader().holder() + " leads");
                    return 1;
                }
                Thread.sleep(50);
            }
            System.err.println("pgha: the switchover has not finished after " + timeout + " s; see pgha list and the agents' logs");
            return 1;
        }
    }
}
