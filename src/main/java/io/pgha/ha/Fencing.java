package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreHealth;
import io.pgha.postgres.PgStatus;
import io.pgha.postgres.Postgres;
import io.pgha.postgres.PostgresException;
import io.pgha.postgres.Watchdog;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invariant 1 on its own timer, so a loop stuck in a slow call never delays it: the fencing stop when the store
 * has been silent too long, and the watchdog check-ins that stop when the agent cannot vouch for its lease.
 */
final class Fencing implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Fencing.class);

    private final Postgres pg;
    private final Store store;
    private final HaSettings settings;
    private final Watchdog watchdog;
    private final HaCounters counters;
    private final boolean enabled;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fencer");
        t.setDaemon(true);
        return t;
    });

    /** @param enabled false only for the fault suite's negative control: the store's silence never stops PostgreSQL */
    Fencing(Postgres pg, Store store, HaSettings settings, Watchdog watchdog, HaCounters counters, boolean enabled) {
        this.enabled = enabled;
        this.pg = pg;
        this.counters = counters;
        this.store = store;
        this.settings = settings;
        this.watchdog = watchdog;
        long every = settings.watchdogCheckInInterval().toMillis();
        timer.scheduleWithFixedDelay(this::checkInWithWatchdog, every, every, TimeUnit.MILLISECONDS);
    }

    /** On any change of the store connection: a fencing check at the deadline, or at once when the session is lost. */
    void onStoreChange() {
        StoreHealth h = store.health();
        if (h.connected() || !enabled) return;
        long deadline = h.lastContactNanos() + settings.fenceAfterLastContact().toNanos();
        long delay = h.sessionLost() ? 0 : Math.max(0, deadline - System.nanoTime());
        timer.schedule(this::fenceIfNeeded, delay, TimeUnit.NANOSECONDS);
    }

    private void fenceIfNeeded() {
        PgStatus quick = quickStatus(pg.postmasterPid().isPresent());
        if (Decider.mustFence(store.health(), Decider.mayAcceptWrites(quick), System.nanoTime(), settings)) {
            log.warn("FENCING: the store has been unreachable too long; stopping PostgreSQL before the lease can expire");
            try {
                pg.stopNow();
                counters.fenced(HaCounters.Fence.STORE_SILENCE);
            } catch (PostgresException e) {
                log.error("fencing stop failed: {}", e.getMessage());
            }
        }
    }

    /**
     * A primary checks in only while the store has answered recently; when it has not, or the JVM is frozen,
     * the check-ins stop and the watchdog stops PostgreSQL when the fencing deadline passes.
     */
    private void checkInWithWatchdog() {
        try {
            watchdog.alive(settings.agentFrozenAfter());
            var postmaster = pg.postmasterPid();
            if (postmaster.isEmpty() || !Decider.mayAcceptWrites(quickStatus(true))) {
                watchdog.disarm();
                return;
            }
            if (Decider.mayCheckInWithWatchdog(store.health(), System.nanoTime(), settings))
                watchdog.keepAlive(postmaster.getAsLong(), settings.watchdogWait());
        } catch (RuntimeException e) {
            log.warn("watchdog check-in failed: {}", e.toString());
        }
    }

    /** Without SQL (which may hang when things break): running, and configured as a standby or not. */
    private PgStatus quickStatus(boolean running) {
        boolean standby = pg.isStandbyConfigured();
        return PgStatus.builder().hasData(true).running(running).inRecovery(standby).standbySignal(standby).build();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
