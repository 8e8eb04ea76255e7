package io.pgha.admin;

import java.time.Instant;
import java.util.Objects;

/** The admin actions of one node's REST API: restart and reinitialize act on the member whose API was called. */
public final class NodeAdmin implements AdminActions {
    static final String RELOAD_NOT_AVAILABLE = "reload is not available yet: the agent has no way to make its PostgreSQL"
            + " re-read its configuration on request. Parameters set with pgha edit-config are applied and reloaded by"
            + " every agent on its own; POST /restart restarts PostgreSQL on this node";

    private final ClusterAdmin cluster;
    private final String member;

    public NodeAdmin(ClusterAdmin cluster, String member) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.member = Objects.requireNonNull(member, "member");
    }

    @Override
    public Outcome switchover(String leader, String candidate, Instant at) {
        return cluster.switchover(leader, candidate, at);
    }

    @Override
    public Outcome failover(String candidate) {
        return cluster.failover(candidate, false);
    }

    @Override
    public Outcome restart() {
        return cluster.restart(member);
    }

    /** Says so rather than pretends: a reload needs a {@code Postgres.reload()} that postgres does not offer yet. */
    @Override
    public Outcome reload() {
        return Outcome.unavailable(RELOAD_NOT_AVAILABLE);
    }

    @Override
    public Outcome reinitialize() {
        return cluster.reinitialize(member);
    }
}
