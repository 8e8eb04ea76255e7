package io.pgha.admin;

import java.time.Instant;

/** Operations an operator asks of the cluster through the REST API or the CLI. */
public interface AdminActions {
    /**
     * Planned switchover from {@code leader} (null: the current one) to {@code candidate} (null: the best
     * synchronous standby), now or at {@code at}. refused with the reason per member when no candidate is fit.
     */
    Outcome switchover(String leader, String candidate, Instant at);

    /** Manual promotion of {@code candidate} when no healthy primary exists. */
    Outcome failover(String candidate);

    Outcome restart();

    Outcome reload();

    Outcome reinitialize();
}
