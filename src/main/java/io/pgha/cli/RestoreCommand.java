package io.pgha.cli;

import io.pgha.backup.RestorePlan;
import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.RestoreRequest;
import io.pgha.dcs.Store;
import io.pgha.postgres.BackRest;
import io.pgha.postgres.BackupInventory;
import io.pgha.postgres.OsCommand;
import io.pgha.postgres.RestoreTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", description = {"Bring the cluster back from the backup repository: one member restores and"
        + " replays archived WAL up to the target, then is promoted on a new timeline; the others clone it.",
        "On a running cluster it needs --force, and every member's data directory is moved aside (never deleted).",
        "Run it on a node (-c NODE.yaml, with a backup section) while the agents run: they carry it out."})
public final class RestoreCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--latest", description = "everything the archive holds") boolean latest;
        @Option(names = "--to-time", paramLabel = "TIME", description = "the moment to stop at, e.g. 2026-11-30T15:04:05Z") String time;
        @Option(names = "--to-lsn", paramLabel = "LSN", description = "the WAL position to stop at, e.g. 0/5000060") String lsn;
    }

    @Option(names = "--backup", paramLabel = "LABEL", description = "start from this backup set (pgha backup list); default: the newest one before the target")
    String label;

    @Option(names = "--force", description = "restore over a running cluster: every member's data is moved aside")
    boolean force;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1h", description = "how long to wait for the restored cluster (default ${DEFAULT-VALUE}); 0s: do not wait")
    String timeout;

    @Override
    public Integer call() throws Exception {
        if (store.config == null) throw new UsageError("pgha restore reads the repository through a node's config: pass -c NODE.yaml");
        NodeConfig config = ConfigLoader.load(store.config);
        if (config.backup() == null)
            throw new UsageError(store.config + " has no backup section: configure the repository on every node first");
        OsCommand.Result info = new BackRest(config).info();
        if (!info.ok()) {
            System.err.println("pgha: cannot read the backup repository (" + info.output() + "): start this node's"
                    + " agent once (it writes pgBackRest's configuration) and check backup.repository");
            return 1;
        }
        RestoreTarget t;
        try {
            t = RestorePlan.check(BackupInventory.parse(info.output()), type(), target.time != null ? target.time
                    : target.lsn, label, Instant.now());
        } catch (IllegalArgumentException e) {
            System.err.println("pgha: restore refused, nothing changed: " + e.getMessage());
            return 1;
        }
        try (Store s = store.connect()) {
            ClusterSnapshot view = s.snapshot();
            boolean running = view.initialized() != null;
            if (running && !force) {
                System.err.println("pgha: restore refused, nothing changed: cluster " + config.cluster() + " is running"
                        + (view.leader() != null ? " (primary " + view.leader().holder() + ")" : "") + "; --force moves"
                        + " every member's data directory aside (kept, never deleted) and restores over it");
                return 1;
            }
            RestoreRequest request = new RestoreRequest(t.type(), t.value(), t.backupLabel(), System.currentTimeMillis());
            s.requestRestore(request, running);
            System.out.println("restore ordered: " + request.describe() + (running ? "; members move their data aside" : ""));
            Duration wait = io.pgha.config.Units.duration(timeout);
            if (wait.isZero()) return 0;
            return awaitRestored(s, wait);
        }
    }

    private String type() {
        if (target.latest) return RestoreTarget.LATEST;
        return target.time != null ? RestoreTarget.TIME : RestoreTarget.LSN;
    }

    /** Until a member recorded the cluster as initialized again and holds the lease; prints each change seen. */
    private int awaitRestored(Store s, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            ClusterSnapshot v = s.snapshot();
            String now = v.initialized() == null
                    ? (v.initClaimedBy() == null ? "waiting for a member to take the restore" : v.initClaimedBy() + " is restoring")
                    : v.leader() == null ? "restored; waiting for the new primary" : null;
            if (now == null && v.restore() == null) {
                System.out.println("restored: " + v.leader().holder() + " is the primary; the other members clone it"
                        + " (pgha list shows them streaming)");
                return 0;
            }
            if (now != null && !now.equals(last)) System.out.println(now);
            last = now;
            Thread.sleep(500);
        }
        System.err.println("pgha: the restore was ordered but had not finished after " + timeout + ": see the agents' logs");
        return 1;
    }
}
