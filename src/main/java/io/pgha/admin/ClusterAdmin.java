package io.pgha.admin;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.FailoverRequest;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.Switchover;
import io.pgha.ha.SwitchoverCheck;
import java.time.Instant;

/**
 * Operator requests about any member, checked against the cluster and recorded in the store; the agents carry
 * them out. Shared by the CLI and, through {@link NodeAdmin}, the REST API.
 */
public final class ClusterAdmin {
    private final Store store;
    private final HaSettings settings;

    public ClusterAdmin(Store store, HaSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    public Outcome switchover(String leader, String candidate, Instant at) {
        try {
            ClusterSnapshot c = store.snapshot();
            if (c.switchover() != null)
                return Outcome.refused("a switchover from " + c.switchover().leader() + " to " + c.switchover().candidate()
                        + " is already in progress");
            SwitchoverCheck.Result check = SwitchoverCheck.check(c, leader, candidate, settings);
            if (!check.ok()) return Outcome.refused("switchover refused: " + String.join("; ", check.problems()));
            long now = System.currentTimeMillis();
            long when = at == null ? 0 : at.toEpochMilli();
            store.writeSwitchover(new Switchover(c.leader().holder(), check.candidate(), when, now, 0));
            return at == null
                    ? Outcome.accepted("switchover from " + c.leader().holder() + " to " + check.candidate() + " started")
                    : Outcome.accepted("switchover from " + c.leader().holder() + " to " + check.candidate() + " scheduled at " + at);
        } catch (StoreException e) {
            return Outcome.unavailable(e.getMessage());
        }
    }

    /**
     * Manual promotion while nobody holds the lease, for when automatic failover cannot proceed (say, the
     * synchronous quorum lost two members). The operator takes responsibility for commits only the lost
     * members had; outside the recorded synchronous set that is refused unless forced.
     */
    public Outcome failover(String candidate, boolean force) {
        try {
            ClusterSnapshot c = store.snapshot();
            if (c.leader() != null)
                return Outcome.refused(c.leader().holder() + " holds the lease and leads: use switchover, not failover");
            if (candidate == null || !c.members().containsKey(candidate))
                return Outcome.invalid("name the member to promote with --candidate; members: " + String.join(", ", c.members().keySet()));
            var m = c.members().get(candidate);
            if (!c.isAlive(candidate)) return Outcome.refused(candidate + ": its agent is down");
            if (!Member.REPLICA.equals(m.role())) return Outcome.refused(candidate + ": not running as a standby (state: " + m.state() + ")");
            boolean inSet = c.sync() == null || c.sync().members().isEmpty() || c.sync().members().contains(candidate);
            if (settings.synchronous() && !inSet && !force)
                return Outcome.refused(candidate + " is not in the synchronous set " + c.sync().members()
                        + ": it may lack acknowledged commits; add --force to promote it anyway");
            store.writeFailover(new FailoverRequest(candidate, System.currentTimeMillis()));
            return Outcome.accepted("manual failover to " + candidate + " started");
        } catch (StoreException e) {
            return Outcome.unavailable(e.getMessage());
        }
    }

    /** Rebuilds a standby from a fresh clone of the leader; its old data directory is moved aside. */
    public Outcome reinitialize(String member) {
        try {
            ClusterSnapshot c = store.snapshot();
            if (!c.members().containsKey(member))
                return Outcome.invalid("no member named " + member + "; members: " + String.join(", ", c.members().keySet()));
            if (c.leader() != null && c.leader().holder().equals(member))
                return Outcome.refused(member + " is the leader: switch over first, then rebuild it");
            if (c.leader() == null) return Outcome.refused("no leader to clone from");
            store.requestReinit(member, true);
            return Outcome.accepted(member + " will move its data aside and clone " + c.leader().holder());
        } catch (StoreException e) {
            return Outcome.unavailable(e.getMessage());
        }
    }

    /**
     * Restarts PostgreSQL on {@code member} in its current role. Only an agent that sees a leader acts on it, so
     * without one it is refused rather than left pending.
     */
    public Outcome restart(String member) {
        try {
            ClusterSnapshot c = store.snapshot();
            if (!c.members().containsKey(member))
                return Outcome.invalid("no member named " + member + "; members: " + String.join(", ", c.members().keySet()));
            if (c.leader() == null) return Outcome.refused("no member leads the cluster: restart the agents instead");
            if (!c.isAlive(member)) return Outcome.refused(member + ": its agent is down, nobody would restart PostgreSQL");
            if (c.restart().contains(member)) return Outcome.accepted("a restart of PostgreSQL on " + member + " is already pending");
            store.requestRestart(member, true);
            return Outcome.accepted(member + " will restart PostgreSQL");
        } catch (StoreException e) {
            return Outcome.unavailable(e.getMessage());
        }
    }
}
