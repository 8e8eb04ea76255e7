package io.pgha.admin;

import java.time.Instant;

/** Operations an operator asks through one node's REST API; the last three act on that node. */
public interface AdminActions {
    /**
     * Planned switchover from {@code leader} (null: the current one) to {@code candidate} (null: the best
     * synchronous standby), now or at {@code at}. refused with the reason per member when no candidate is fit.
     */
    Outcome switchover(String leader, String candidate, Instant at);

    /** Manual promotion of {@code candidate} when no healthy primary exists. */
    Outcome failover(String candidate);

    /** Restarts PostgreSQL on this node in its current role. */
    Outcome restart();

    /** Makes PostgreSQL on this node re-read its configuration files. */
    Outcome reload();

    /** Rebuilds this node (a standby) from a fresh clone of the leader; its data directory is moved aside. */
    Outcome reinitialize();
}
