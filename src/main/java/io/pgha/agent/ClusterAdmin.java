package io.pgha.agent;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
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

    @Override
    public Result failover(String candidate) {
        return new Result(503, "manual failover is not available yet; failover happens automatically when the primary fails");
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
