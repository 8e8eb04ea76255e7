package io.pgha.ha;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.HistoryEntry;
import io.pgha.dcs.Lease;
import io.pgha.dcs.RestoreRequest;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.StoreFormat;
import io.pgha.dcs.Switchover;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.PgStatus;
import io.pgha.postgres.Postgres;
import io.pgha.postgres.PostgresException;
import io.pgha.postgres.RestoreTarget;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out one {@link Decision} through PostgreSQL and the store, and says what the loop must remember of it. */
final class Actor {
    private static final Logger log = LoggerFactory.getLogger(Actor.class);

    private final String me;
    private final Postgres pg;
    private final Store store;
    private final Reconciler reconciler;
    private final Runnable again;
    private final HaCounters counters;
    private String takenOverFrom;
    private volatile long failovers;
    private volatile List<HistoryEntry> history = List.of();
    private boolean historyLoaded;
    private long bootstrapFailedAtNanos;
    /** After a failed bootstrap the right goes back to all; this node tries again no sooner than this. */
    static final long BOOTSTRAP_RETRY_NANOS = 30_000_000_000L;

    Actor(String me, Postgres pg, Store store, Reconciler reconciler, Runnable again, HaCounters counters) {
        this.me = me;
        this.counters = counters;
        this.pg = pg;
        this.store = store;
        this.reconciler = reconciler;
        this.again = again;
    }

    /** Acts; a failure is logged and the loop decides again on its next look. */
    LoopMemory act(Decision d, ClusterSnapshot view, PgStatus status, LoopMemory memory) {
        try {
            return perform(d, view, status, memory);
        } catch (PostgresException | StoreException e) {
            log.warn("{} failed: {}", d.getClass().getSimpleName(), e.getMessage());
            return switch (d) {
                case Decision.StartStandby s -> memory.standbyStartFailed(s.leader() != null);
                case Decision.Clone c -> memory.cloneFailed(System.nanoTime());
                default -> memory;
            };
        }
    }

    private LoopMemory perform(Decision d, ClusterSnapshot view, PgStatus status, LoopMemory memory)
            throws PostgresException, StoreException {
        switch (d) {
            case Decision.Wait w -> { return memory; }
            case Decision.Stuck s -> { return memory; }
            case Decision.IncompatibleStore i -> { return memory; }
            case Decision.Lead l -> {
                recordStoreFormat(view);
                reconciler.members(view, false);
                reconciler.synchronousSet(view, status);
                reconciler.wakeStartingStandbys(view, System.nanoTime());
                return memory;
            }
            case Decision.AbandonSwitchover a -> store.clearSwitchover();
            case Decision.HandOver h -> handOver(view.switchover(), h.candidate());
            case Decision.Bootstrap b -> bootstrap(view);
            case Decision.Clone c -> {
                pg.cloneFrom(c.leader());
                pg.startStandby(c.leader());
            }
            case Decision.AcquireLease a -> {
                Lease before = view.lastLeader();
                if (!store.acquireLease(me)) return memory;
                if (before != null && !before.holder().equals(me)) takenOverFrom = before.holder();
                log.info("took the lease");
            }
            case Decision.Promote p -> {
                long forkLsn = status.lsn();
                pg.promote();
                failovers++;
                log.info("promoted: this node is the primary");
                recordPromotion(view, forkLsn);
                reconciler.members(store.snapshot(), true);
            }
            case Decision.StartPrimary s -> pg.startPrimary();
            case Decision.ReleaseLease r -> {
                store.releaseLease(me);
                counters.demoted(HaCounters.Demotion.LEASE_RELEASED);
                again.run();
                return memory.abdicate();
            }
            case Decision.KillAndRelease k -> {
                pg.kill();
                store.releaseLease(me);
                counters.demoted(HaCounters.Demotion.KILLED_AND_RELEASED);
                log.warn("released the lease after killing PostgreSQL: {}", k.reason());
                again.run();
                return memory.abdicate();
            }
            case Decision.Fence f -> {
                pg.stopNow();
                if (status.running()) counters.fenced(HaCounters.Fence.DECISION);
            }
            case Decision.StartStandby s -> pg.startStandby(s.leader());
            case Decision.Restart r -> {
                pg.stop(false);
                if (r.leader() == null) pg.startPrimary();
                else pg.startStandby(r.leader());
                store.requestRestart(me, false);
                log.info("restarted PostgreSQL as the operator asked");
            }
            case Decision.Detach x -> pg.follow(null);
            case Decision.Follow f -> {
                pg.follow(f.leader());
                return memory.followed();
            }
            case Decision.Rewind r -> {
                boolean rewound = pg.rewind(r.leader());
                LoopMemory after = memory.rewound(rewound);
                if (rewound) {
                    try {
                        pg.startStandby(r.leader());
                    } catch (PostgresException e) {
                        log.warn("starting as a standby after pg_rewind failed: {}", e.getMessage());
                        return after;
                    }
                }
                again.run();
                return after;
            }
            case Decision.MoveAsideForRestore r -> {
                pg.moveDataAside();
                if (view.leader() != null && view.leader().holder().equals(me)) store.releaseLease(me);
                again.run();
                return memory.movedAside();
            }
            case Decision.Reinit r -> {
                pg.moveDataAside();
                if (view.reinit().contains(me)) store.requestReinit(me, false);
                again.run();
                return memory.movedAside();
            }
        }
        again.run();
        return memory;
    }

    private void bootstrap(ClusterSnapshot view) throws StoreException, PostgresException {
        boolean backingOff = bootstrapFailedAtNanos != 0 && System.nanoTime() - bootstrapFailedAtNanos < BOOTSTRAP_RETRY_NANOS;
        if (backingOff && view.restore() == null) return;
        if (!me.equals(view.initClaimedBy()) && !store.claimInitialize(me)) return;
        RestoreRequest restore = view.restore();
        log.info(restore == null ? "bootstrapping the cluster" : "bootstrapping the cluster from the backup repository: {}",
                restore == null ? null : restore.describe());
        try {
            if (restore == null) pg.bootstrap();
            else pg.restoreFromBackup(new RestoreTarget(restore.target(), restore.value(), restore.backupLabel()));
            store.setInitialized(pg.systemIdentifier());
            store.writeFormat(StoreFormat.current());
            if (restore != null) store.clearRestore();
        } catch (PostgresException e) {
            log.error("bootstrap failed, giving the bootstrap right back (this node tries again in {} s at the"
                    + " earliest): {}", BOOTSTRAP_RETRY_NANOS / 1_000_000_000L, e.getMessage());
            bootstrapFailedAtNanos = System.nanoTime();
            try {
                pg.moveDataAside();
            } finally {
                store.abandonInitialize(me);
            }
            return;
        }
        if (store.acquireLease(me)) log.info("took the lease: this node is the primary");
    }

    /** A store from before formats, or of an older one, gets this pgha's once every member's agent understands it. */
    private void recordStoreFormat(ClusterSnapshot view) throws StoreException {
        if (!StoreFormat.shouldRecordCurrent(view.format(), view.members().values())) return;
        store.writeFormat(StoreFormat.current());
        log.info("recorded the store format {} (it was {})", StoreFormat.CURRENT,
                view.format() == null ? "not recorded" : view.format().format());
    }

    /** Stop cleanly (walsenders hand every WAL byte to the standbys first), then let the candidate take over. */
    private void handOver(Switchover sw, String candidate) throws PostgresException, StoreException {
        log.info("switchover: stopping PostgreSQL cleanly to hand over to {}", candidate);
        pg.stop(false);
        long end = pg.checkpointLocation();
        pg.markStandby();
        store.writeSwitchover(new Switchover(me, candidate, sw.scheduledAtMillis(), sw.requestedAtMillis(), end));
        store.releaseLease(me);
        counters.demoted(HaCounters.Demotion.SWITCHOVER_HANDOVER);
        log.info("switchover: released the lease; WAL ends at {}", Lsn.format(end));
    }

    private void recordPromotion(ClusterSnapshot view, long forkLsn) throws StoreException {
        Switchover sw = view.switchover();
        boolean manual = view.failover() != null && me.equals(view.failover().candidate());
        boolean switchover = sw != null && me.equals(sw.candidate());
        counters.promoted(switchover ? HaCounters.Promotion.SWITCHOVER
                : manual ? HaCounters.Promotion.MANUAL_FAILOVER : HaCounters.Promotion.FAILOVER);
        String reason = switchover ? "switchover from " + sw.leader()
                : (manual ? "manual failover" : "failover") + (takenOverFrom != null ? " from " + takenOverFrom : "");
        takenOverFrom = null;
        if (sw != null) store.clearSwitchover();
        if (view.failover() != null) store.clearFailover();
        PgStatus now = pg.observe();
        store.addHistory(new HistoryEntry(now.timeline(), forkLsn, System.currentTimeMillis(), me, reason));
        history = store.history();
    }

    /** Reads the promotion history the first time the store is reachable; this node's promotions keep it current. */
    void loadHistoryOnce() {
        if (historyLoaded) return;
        try {
            history = store.history();
            historyLoaded = true;
        } catch (StoreException e) {
            log.warn("{}", e.getMessage());
        }
    }

    List<HistoryEntry> history() {
        return history;
    }

    long failovers() {
        return failovers;
    }
}
