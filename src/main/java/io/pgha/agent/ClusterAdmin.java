package io.pgha.agent;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.FailoverRequest;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.Switchover;
import io.pgha.ha.AdminActions;
import io.pgha.ha.SwitchoverCheck;
import java.time.Instant;

/** Operator requests, checked against the cluster and recorded in the store; the agents carry them out. */
public final class ClusterAdmin implements AdminActions {
    private final Store store;
    private final HaSettings settings;

    public ClusterAdmin(Store store, HaSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public Result switchover(String leader, String candidate, Instant at) {
        try {
            ClusterSnapshot c = store.snapshot();
            if (c.switchover() != null)
                return new Result(412, "a switchover from " + c.switchover().leader() + " to " + c.switchover().candidate()
                        + " is already in progress");
            SwitchoverCheck.Result check = SwitchoverCheck.check(c, leader, candidate, settings);
            if (!check.ok()) return new Result(412, "switchover refused: " + String.join("; ", check.problems()));
            long now = System.currentTimeMillis();
            long when = at == null ? 0 : at.toEpochMilli();
            store.writeSwitchover(new Switchover(c.leader().holder(), check.candidate(), when, now, 0));
            return at == null
                    ? Result.accepted("switchover from " + c.leader().holder() + " to " + check.candidate() + " started")
                    : Result.accepted("switchover from " + c.leader().holder() + " to " + check.candidate() + " scheduled at " + at);
        } catch (StoreException e) {
            return new Result(503, e.getMessage());
        }
    }

    /**
     * Manual promotion while nobody holds the lease, for when automatic failover cannot proceed (say, the
     * synchronous quorum lost two members). The operator takes responsibility for commits only the lost
     * members had; outside the recorded synchronous set that is refused unless forced.
     */
    public Result failover(String candidate, boolean force) {
        try {
            ClusterSnapshot c = store.snapshot();
            if (c.leader() != null)
                return new Result(412, c.leader().holder() + " holds the lease and leads: use switchover, not failover");
            if (candidate == null || !c.members().containsKey(candidate))
                return new Result(400, "name the member to promote with --candidate; members: " + String.join(", ", c.members().keySet()));
            var m = c.members().get(candidate);
            if (!c.isAlive(candidate)) return new Result(412, candidate + ": its agent is down");
            if (!Member.REPLICA.equals(m.role())) return new Result(412, candidate + ": not running as a standby (state: " + m.state() + ")");
            boolean inSet = c.sync() == null || c.sync().members().isEmpty() || c.sync().members().contains(candidate);
            if (settings.synchronous() && !inSet && !force)
                return new Result(412, candidate + " is not in the synchronous set " + c.sync().members()
                        + ": it may lack acknowledged commits; add --force to promote it anyway");
            store.writeFailover(new FailoverRequest(candidate, System.currentTimeMillis()));
            return Result.accepted("manual failover to " + candidate + " started");
        } catch (StoreException e) {
            return new Result(503, e.getMessage());
        }
    }

    @Override
    public Result failover(String candidate) {
        return failover(candidate, false);
    }

    /** Rebuilds a standby from a fresh clone of the leader; its old data directory is moved aside. */
    public Result reinitialize(String member) {
        try {
            ClusterSnapshot c = store.snapshot();
            if (!c.members().containsKey(member))
                return new Result(400, "no member named " + member + "; members: " + String.join(", ", c.members().keySet()));
            if (c.leader() != null && c.leader().holder().equals(member))
                return new Result(412, member + " is the leader: switch over first, then rebuild it");
            if (c.leader() == null) return new Result(412, "no leader to clone from");
            store.requestReinit(member, true);
            return Result.accepted(member + " will move its data aside and clone " + c.leader().holder());
        } catch (StoreException e) {
            return new Result(503, e.getMessage());
        }
    }

    @Override
    public Result restart() {
        return new Result(503, "restart through the API is not available yet");
    }

    @Override
    public Result reload() {
        return new Result(503, "reload through the API is not available yet");
    }

    @Override
    public Result reinitialize() {
        return new Result(503, "reinitialize through the API is not available yet");
    }
}
