package io.pgha.admin;

import java.time.Instant;
import java.util.Objects;

/** The admin actions of one node's REST API: restart and reinitialize act on the member whose API was called. */
public final class NodeAdmin implements AdminActions {
    private final ClusterAdmin cluster;
    private final String member;
    private final Runnable reload;

    /** @param reload asks this node's agent to reload its PostgreSQL's configuration (the loop carries it out) */
    public NodeAdmin(ClusterAdmin cluster, String member, Runnable reload) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.member = Objects.requireNonNull(member, "member");
        this.reload = Objects.requireNonNull(reload, "reload");
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

    /** The cluster's parameters written again and PostgreSQL's configuration files re-read, on this node. */
    @Override
    public Outcome reload() {
        reload.run();
        return Outcome.accepted(member + " will re-apply the cluster's parameters and reload PostgreSQL's configuration");
    }

    @Override
    public Outcome reinitialize() {
        return cluster.reinitialize(member);
    }
}
