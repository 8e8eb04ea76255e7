package io.pgha.ha;

import java.time.Instant;

/** Operations an operator asks of the cluster through the REST API or the CLI. */
public interface AdminActions {
    /** The outcome of a request, with an HTTP-like status and a message for the operator. */
    record Result(int status, String message) {
        public static Result accepted(String message) {
            return new Result(202, message);
        }

        public static Result ok(String message) {
            return new Result(200, message);
        }
    }

    /**
     * Planned switchover from {@code leader} (null: the current one) to {@code candidate} (null: the best
     * synchronous standby), now or at {@code at}. 412 with the reason per member when no candidate is fit.
     */
    Result switchover(String leader, String candidate, Instant at);

    /** Manual promotion of {@code candidate} when no healthy primary exists. */
    Result failover(String candidate);

    Result restart();

    Result reload();

    Result reinitialize();
}
