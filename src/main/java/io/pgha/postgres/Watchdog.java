package io.pgha.postgres;

import java.time.Duration;

/**
 * Something outside the agent's JVM that stops the local PostgreSQL when the agent stops checking in:
 * the defence against a frozen agent, which cannot fence its own primary (DESIGN.md, "hard cases").
 */
public interface Watchdog extends AutoCloseable {
    /** Guard this postmaster: stop it unless the next call arrives within {@code wait}. */
    void keepAlive(long postmasterPid, Duration wait);

    /** Nothing to guard: this node is not a primary, or it is shutting down cleanly. */
    void disarm();

    /**
     * The agent lives: when it has sent nothing for {@code frozenAfter}, it is frozen, and the watchdog ends it so that
     * its ports refuse clients instead of taking connections nobody answers.
     */
    void alive(Duration frozenAfter);

    @Override
    void close();

    Watchdog NONE = new Watchdog() {
        @Override
        public void keepAlive(long postmasterPid, Duration wait) {}

        @Override
        public void disarm() {}

        @Override
        public void alive(Duration frozenAfter) {}

        @Override
        public void close() {}
    };
}
