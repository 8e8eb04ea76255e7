package io.pgha.cli;

import io.pgha.admin.ClusterAdmin;
import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.postgres.PgState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restart", description = "Restart PostgreSQL on one member, or on all of them one at a time: standbys"
        + " first, the primary last (after a switchover with --switchover).")
public final class RestartCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MEMBER", description = "one member (default: every member, rolling)")
    String member;

    @Option(names = "--switchover", description = "hand the primary role to a standby before restarting the primary")
    boolean switchover;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds to wait for each member (default ${DEFAULT-VALUE})")
    int timeout;

    @Override
    public Integer call() throws Exception {
        HaSettings settings = store.haSettings();
        try (Store s = store.connect()) {
            ClusterSnapshot c = s.snapshot();
            if (c.leader() == null) throw new UsageError("no member leads the cluster; restart its agents instead");
            if (member != null && !c.members().containsKey(member))
                throw new UsageError("no member named " + member + "; members: " + String.join(", ", c.members().keySet()));
            String leader = c.leader().holder();
            List<String> order = new ArrayList<>();
            for (String name : c.members().keySet()) if (!name.equals(leader) && (member == null || member.equals(name))) order.add(name);
            if (member == null || member.equals(leader)) order.add(leader);
            for (String name : order) {
                if (name.equals(leader) && switchover) {
                    if (!AdminRequests.report(new ClusterAdmin(s, settings).switchover(leader, null, null))) return 1;
                    if (!Polling.until(timeout, 100, () -> s.snapshot().leader() != null && !s.snapshot().leader().holder().equals(leader)
                            && s.snapshot().switchover() == null)) {
                        System.err.println("pgha: the switchover did not finish within " + timeout + " s");
                        return 1;
                    }
                }
                if (!AdminRequests.report(new ClusterAdmin(s, settings).restart(name))) return 1;
                if (!Polling.until(timeout, 100, () -> restarted(s.snapshot(), name))) {
                    System.err.println("pgha: " + name + " has not come back within " + timeout + " s; see its agent's log");
                    return 1;
                }
                System.out.println(name + " is back");
            }
        }
        return 0;
    }

    private static boolean restarted(ClusterSnapshot c, String name) {
        Member m = c.members().get(name);
        if (c.restart().contains(name) || m == null) return false;
        boolean leads = c.leader() != null && c.leader().holder().equals(name);
        return leads ? Member.LEADER.equals(m.role()) && m.state() == PgState.RUNNING : m.state() == PgState.STREAMING;
    }
}
