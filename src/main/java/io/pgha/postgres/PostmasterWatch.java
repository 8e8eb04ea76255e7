package io.pgha.postgres;

import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the HA loop within ~100 ms that the postmaster died: one virtual thread per postmaster,
 * polling because ProcessHandle.onExit waits until the zombie has been reaped.
 */
final class PostmasterWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    static final long POLL_MILLIS = 100;

    private final Supplier<Optional<ProcessHandle>> postmaster;
    private ProcessHandle watched;
    private volatile boolean closed;

    PostmasterWatch(Supplier<Optional<ProcessHandle>> postmaster) {
        this.postmaster = postmaster;
    }

    /** Starts watching the running postmaster unless it is the one already watched; {@code onExit} runs once it exits. */
    synchronized void watch(Runnable onExit) {
        if (closed) return;
        ProcessHandle h = postmaster.get().orElse(null);
        if (h == null || h.equals(watched)) return;
        watched = h;
        Thread.ofVirtual().name("postmaster-watch").start(() -> {
            try {
                while (!closed && Processes.isRunning(h)) Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) return;
            log.warn("PostgreSQL (pid {}) exited", h.pid());
            onExit.run();
        });
    }

    /** Ends the watch threads without calling their callbacks. */
    @Override
    public void close() {
        closed = true;
    }
}
