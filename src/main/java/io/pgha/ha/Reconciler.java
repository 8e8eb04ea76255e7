package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.SyncState;
import io.pgha.postgres.PgState;
import io.pgha.postgres.PgStatus;
import io.pgha.postgres.Postgres;
import io.pgha.postgres.PostgresException;
import io.pgha.postgres.SyncNames;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings the local PostgreSQL in line with the cluster: slots and pg_hba, the synchronous set, the cluster's parameters. */
final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final String me;
    private final Postgres pg;
    private final Store store;
    private final HaSettings settings;
    private final Runnable again;
    private Set<String> reconciledMembers;
    private boolean warnedUnprotected;
    private Map<String, String> appliedParameters = Map.of();
    private long nudgedAtNanos = Long.MIN_VALUE / 2;
    static final long NUDGE_EVERY_NANOS = 5_000_000_000L;

    Reconciler(String me, Postgres pg, Store store, HaSettings settings, Runnable again) {
        this.me = me;
        this.pg = pg;
        this.store = store;
        this.settings = settings;
        this.again = again;
    }

    /** Slots and pg_hba follow the member list; redone only when {@link MembershipRule} says so, or when forced. */
    void members(ClusterSnapshot view, boolean force) throws PostgresException {
        if (!force && !MembershipRule.mustReconcile(me, view, reconciledMembers)) return;
        Map<String, String> addresses = new TreeMap<>();
        view.members().forEach((n, m) -> addresses.put(n, m.host()));
        pg.reconcileMembers(addresses);
        reconciledMembers = new TreeSet<>(view.members().keySet());
        again.run();
    }

    /** Walks the synchronous set toward the streaming standbys, one safe step at a time. */
    void synchronousSet(ClusterSnapshot view, PgStatus status) throws StoreException, PostgresException {
        List<String> replying = status.streamingStandbys().stream().filter(view.members()::containsKey).toList();
        List<String> streaming = SyncPlanner.eligible(replying, replying.stream().filter(view::isAlive).toList());
        SyncState recorded = view.sync();
        SyncNames inPostgres = new SyncNames(status.syncQuorum(), status.syncStandbys());
        for (int i = 0; i < 4; i++) {
            SyncPlanner.Step step = SyncPlanner.next(me, recorded, inPostgres, streaming, settings);
            switch (step) {
                case SyncPlanner.Step.None n -> {
                    warnIfUnprotected(recorded);
                    return;
                }
                case SyncPlanner.Step.WriteStore w -> {
                    store.writeSync(w.state());
                    recorded = w.state();
                }
                case SyncPlanner.Step.WritePostgres w -> {
                    pg.setSynchronousStandbys(w.names());
                    inPostgres = w.names();
                }
            }
        }
    }

    private void warnIfUnprotected(SyncState recorded) {
        boolean unprotected = settings.synchronous() && (recorded == null || recorded.members().isEmpty());
        if (unprotected && !warnedUnprotected) {
            log.warn("NO SYNCHRONOUS STANDBY: commits are acknowledged by this primary alone until a standby streams again");
        }
        warnedUnprotected = unprotected;
    }

    /**
     * A standby whose recovery point lies just past a segment switch of an idle primary (pg_rewind sets it from the
     * primary's insert position) cannot become consistent until the primary writes again: give it that WAL.
     */
    void wakeStartingStandbys(ClusterSnapshot view, long nowNanos) throws PostgresException {
        boolean waiting = view.members().values().stream()
                .anyMatch(m -> !m.name().equals(me) && view.isAlive(m.name()) && m.state() == PgState.STARTING);
        if (!waiting || nowNanos - nudgedAtNanos < NUDGE_EVERY_NANOS) return;
        nudgedAtNanos = nowNanos;
        if (pg.nudgeWal()) log.info("wrote a small WAL record: a starting standby may wait for WAL past this idle primary's flush position");
    }

    /** pgha edit-config's parameters, applied on every member (reload); a restart-only change is published. */
    void parameters(Map<String, String> wanted) {
        parameters(wanted, false);
    }

    /** An operator's reload: the cluster's parameters written again, whatever this agent believes it applied. */
    void reload(Map<String, String> wanted) throws PostgresException {
        parameters(wanted, true);
        pg.reload();
        log.info("reloaded PostgreSQL's configuration as the operator asked");
    }

    private void parameters(Map<String, String> wanted, boolean force) {
        if (!force && wanted.equals(appliedParameters)) return;
        try {
            pg.applyParameters(wanted, appliedParameters.keySet());
            appliedParameters = Map.copyOf(wanted);
            log.info("applied the cluster's PostgreSQL parameters {}", wanted.keySet());
            again.run();
        } catch (PostgresException e) {
            log.warn("cannot apply the cluster's PostgreSQL parameters: {}", e.getMessage());
        }
    }
}
