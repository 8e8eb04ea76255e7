package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.PgState;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may take over in a planned switchover, and if nobody may, why each member may not: an operator
 * reads "node3: not streaming from node1 (state: stopped)", not an opaque "no good candidates".
 */
public final class SwitchoverCheck {
    /** The chosen candidate, or the reasons nobody can be chosen. */
    public record Result(String candidate, List<String> problems) {
        public boolean ok() {
            return candidate != null;
        }
    }

    private SwitchoverCheck() {}

    public static Result check(ClusterSnapshot c, String leader, String candidate, HaSettings s) {
        if (c.leader() == null) return refuse("no member holds the lease: use failover, not switchover");
        String holder = c.leader().holder();
        if (leader != null && !leader.equals(holder)) return refuse(leader + " is not the leader; " + holder + " is");
        Member lead = c.members().get(holder);
        if (candidate != null) {
            if (candidate.equals(holder)) return refuse(candidate + " is already the leader");
            if (!c.members().containsKey(candidate))
                return refuse("no member named " + candidate + "; members: " + String.join(", ", c.members().keySet()));
            List<String> why = unfit(c, c.members().get(candidate), lead, s);
            return why.isEmpty() ? new Result(candidate, List.of()) : refuse(candidate + ": " + String.join("; ", why));
        }
        Member best = null;
        List<String> problems = new ArrayList<>();
        for (Member m : c.members().values()) {
            if (m.name().equals(holder)) continue;
            List<String> why = unfit(c, m, lead, s);
            if (!why.isEmpty()) problems.add(m.name() + ": " + String.join("; ", why));
            else if (best == null || Long.compareUnsigned(m.lsn(), best.lsn()) > 0) best = m;
        }
        if (best != null) return new Result(best.name(), List.of());
        if (problems.isEmpty()) problems.add("the cluster has no member besides the leader " + holder);
        return new Result(null, problems);
    }

    static List<String> unfit(ClusterSnapshot c, Member m, Member leader, HaSettings s) {
        List<String> why = new ArrayList<>();
        if (!c.isAlive(m.name())) why.add("its agent is down");
        else if (m.state() != PgState.STREAMING || leader == null || !leader.name().equals(m.upstream()))
            why.add("not streaming from " + (leader == null ? "the leader" : leader.name()) + " (state: " + m.state() + ")");
        if (m.nofailover()) why.add("tagged nofailover");
        if (s.synchronous() && c.sync() != null && !c.sync().members().isEmpty() && !c.sync().members().contains(m.name()))
            why.add("not in the synchronous set " + c.sync().members());
        if (leader != null) {
            long lag = Lsn.lag(leader.lsn(), m.lsn());
            if (lag > s.maximumLagOnFailover())
                why.add(lag + " bytes behind (maximum_lag_on_failover " + s.maximumLagOnFailover() + ")");
        }
        return why;
    }

    private static Result refuse(String problem) {
        return new Result(null, List.of(problem));
    }
}
