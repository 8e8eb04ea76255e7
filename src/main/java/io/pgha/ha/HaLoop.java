package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.StoreHealth;
import io.pgha.dcs.SyncState;
import io.pgha.dcs.Switchover;
import io.pgha.dcs.HistoryEntry;
import io.pgha.postgres.ManagedFiles;
import io.pgha.postgres.PgStatus;
import io.pgha.postgres.Postgres;
import io.pgha.postgres.PostgresException;
import io.pgha.postgres.Processes;
import io.pgha.postgres.SyncNames;
import io.pgha.postgres.Watchdog;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * observe → publish → decide → act, every {@code loop_wait} and at once on any event: a store change,
 * the postmaster's exit, the end of an action. Fencing also runs on its own timer, so a loop stuck in
 * a slow call never delays it.
 */
public final class HaLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HaLoop.class);

    /** This node's identity as published to the store. */
    public record Identity(String cluster, String name, String host, int port, String apiUrl, boolean nofailover, int priority) {}

    private final Identity me;
    private final Postgres pg;
    private final Store store;
    private final HaSettings settings;
    private final Watchdog watchdog;
    private final Semaphore wake = new Semaphore(0);
    private final ScheduledExecutorService fencer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fencer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    private volatile String lastReason = "";
    private volatile long lastLoopAtNanos = System.nanoTime();

    private long pgDownSince;
    private long notStreamingSince;
    private long leaderlessSince;
    private boolean rewindFailed;
    private ProcessHandle watchedPostmaster;
    private TreeSet<String> reconciledMembers;
    private boolean warnedUnprotected;
    private volatile long failovers;
    private volatile List<HistoryEntry> history = List.of();
    private volatile NodeState state;
    private final List<java.util.function.Consumer<NodeState>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean historyLoaded;
    private String takenOverFrom;
    private boolean standbyStartFailed;
    private java.util.Map<String, String> appliedParameters = java.util.Map.of();

    public HaLoop(Identity me, Postgres pg, Store store, HaSettings settings) {
        this(me, pg, store, settings, Watchdog.NONE);
    }

    public HaLoop(Identity me, Postgres pg, Store store, HaSettings settings, Watchdog watchdog) {
        this.me = me;
        this.pg = pg;
        this.store = store;
        this.settings = settings;
        this.watchdog = watchdog;
        store.onChange(this::onStoreChange);
        long every = settings.watchdogCheckInInterval().toMillis();
        fencer.scheduleWithFixedDelay(this::checkInWithWatchdog, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * A primary checks in only while the store has answered recently; when it has not, or the JVM is frozen,
     * the check-ins stop and the watchdog stops PostgreSQL when the fencing deadline passes.
     */
    private void checkInWithWatchdog() {
        try {
            var postmaster = pg.postmaster();
            if (postmaster.isEmpty() || !Decider.mayAcceptWrites(quickStatus(true))) {
                watchdog.disarm();
                return;
            }
            if (Decider.mayCheckInWithWatchdog(store.health(), System.nanoTime(), settings))
                watchdog.keepAlive(postmaster.get().pid(), settings.watchdogWait());
        } catch (RuntimeException e) {
            log.warn("watchdog check-in failed: {}", e.toString());
        }
    }

    public void wakeUp() {
        wake.release();
    }

    private void onStoreChange() {
        wakeUp();
        StoreHealth h = store.health();
        if (!h.connected()) {
            long deadline = h.lastContactNanos() + settings.fenceAfterLastContact().toNanos();
            long delay = h.sessionLost() ? 0 : Math.max(0, deadline - System.nanoTime());
            fencer.schedule(this::fenceIfNeeded, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void fenceIfNeeded() {
        PgStatus quick = quickStatus();
        if (Decider.mustFence(store.health(), Decider.mayAcceptWrites(quick), System.nanoTime(), settings)) {
            log.warn("FENCING: the store has been unreachable too long; stopping PostgreSQL before the lease can expire");
            try {
                pg.stopNow();
            } catch (PostgresException e) {
                log.error("fencing stop failed: {}", e.getMessage());
            }
        }
    }

    /** Without SQL (which may hang when things break): running, and configured as a standby or not. */
    private PgStatus quickStatus() {
        return quickStatus(pg.postmaster().isPresent());
    }

    private PgStatus quickStatus(boolean running) {
        boolean standby = pg.isStandbyConfigured();
        return new PgStatus(true, running, false, standby, 0, 0, false, null, 0, standby, java.util.List.of(),
                java.util.List.of(), java.util.List.of(), 0);
    }

    public void run() {
        while (running) {
            try {
                iterate();
            } catch (RuntimeException e) {
                log.error("HA loop iteration failed", e);
            }
            try {
                wake.tryAcquire(settings.loopWait().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Called on the loop thread after every iteration; keep it quick. */
    public void onState(java.util.function.Consumer<NodeState> listener) {
        listeners.add(listener);
    }

    /** The state after the latest iteration (null before the first). */
    public NodeState state() {
        return state;
    }

    void iterate() {
        lastLoopAtNanos = System.nanoTime();
        long startedWall = System.currentTimeMillis();
        PgStatus status = pg.observe();
        watchPostmaster();
        StoreHealth health = store.health();
        ClusterSnapshot view = null;
        if (health.connected()) {
            try {
                view = store.snapshot();
            } catch (StoreException e) {
                log.warn("{}", e.getMessage());
            }
        }
        long now = System.nanoTime();
        Lease lease = view == null ? null : view.leader();
        long session = store.sessionId();
        boolean iLead = lease != null && lease.heldBy(me.name(), session);
        pgDownSince = iLead && !(status.running() && status.accepting()) ? (pgDownSince == 0 ? now : pgDownSince) : 0;
        Member leaderRecord = lease == null || iLead ? null : view.members().get(lease.holder());
        boolean followingLeader = leaderRecord != null && status.running() && status.inRecovery();
        notStreamingSince = followingLeader && !Decider.streamsFrom(status, leaderRecord)
                ? (notStreamingSince == 0 ? now : notStreamingSince) : 0;
        leaderlessSince = view != null && lease == null ? (leaderlessSince == 0 ? now : leaderlessSince) : 0;

        if (view != null) publish(status, view, iLead);

        if (status.running()) standbyStartFailed = false;
        Observation o = new Observation(me.name(), status, pg.following(), health, now, pgDownSince,
                notStreamingSince, leaderlessSince, rewindFailed, me.nofailover() || me.priority() == 0, System.currentTimeMillis(), session,
                standbyStartFailed);
        Decision d = Decider.decide(o, view, settings);
        if (!d.reason().equals(lastReason)) {
            log.info("{}: {}", d.getClass().getSimpleName(), d.reason());
            lastReason = d.reason();
        }
        act(d, view, status);
        if (view != null && status.running() && status.accepting()) applyParameters(view.parameters());
        if (view != null && !historyLoaded) {
            try {
                history = store.history();
                historyLoaded = true;
            } catch (StoreException e) {
                log.warn("{}", e.getMessage());
            }
        }
        NodeState next = new NodeState(me.name(), me.cluster(), status, view, iLead && status.isPrimary(),
                health.connected(), startedWall, (System.nanoTime() - lastLoopAtNanos) / 1_000_000, failovers, settings, history);
        state = next;
        for (var l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                log.warn("state listener failed: {}", e.toString());
            }
        }
    }

    /** Wakes the loop within ~100 ms of the postmaster's death (onExit waits for the zombie to be reaped). */
    private void watchPostmaster() {
        ProcessHandle h = pg.postmaster().orElse(null);
        if (h != null && !h.equals(watchedPostmaster)) {
            watchedPostmaster = h;
            Thread.ofVirtual().name("postmaster-watch").start(() -> {
                try {
                    while (running && Processes.isRunning(h)) Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                log.warn("PostgreSQL (pid {}) exited", h.pid());
                wakeUp();
            });
        }
    }

    private void publish(PgStatus status, ClusterSnapshot view, boolean iLead) {
        Lease lease = view.leader();
        String role = iLead && status.isPrimary() ? Member.LEADER
                : status.running() && status.inRecovery() ? Member.REPLICA : Member.UNKNOWN;
        // the position counts for the election only once nothing more can arrive from the old primary
        boolean cutOff = pg.following() == null && !status.walReceiverRunning();
        long lostToken = lease == null && view.lastLeader() != null && cutOff ? view.lastLeader().token() : 0;
        Member m = new Member(me.name(), me.host(), me.port(), me.apiUrl(), role, status.describe(),
                status.timeline(), status.lsn(), me.nofailover(), lostToken, status.slots(), pg.following(),
                System.currentTimeMillis(), status.pendingRestart(), me.priority());
        Member old = view.members().get(me.name());
        if (!PublishPolicy.shouldPublish(old, m, lease != null, System.currentTimeMillis(), settings.loopWait().toMillis())) return;
        try {
            store.publish(m);
        } catch (StoreException e) {
            log.warn("{}", e.getMessage());
        }
    }

    private void act(Decision d, ClusterSnapshot view, PgStatus status) {
        try {
            switch (d) {
                case Decision.Wait w -> { }
                case Decision.Lead l -> {
                    reconcile(view, false);
                    reconcileSync(view, status);
                }
                case Decision.AbandonSwitchover a -> {
                    store.clearSwitchover();
                    again();
                }
                case Decision.HandOver h -> handOver(view.switchover(), h.candidate());
                case Decision.Bootstrap b -> bootstrap(view);
                case Decision.Clone c -> {
                    pg.cloneFrom(c.leader());
                    pg.startStandby(c.leader());
                    again();
                }
                case Decision.AcquireLease a -> {
                    Lease before = view.lastLeader();
                    if (store.acquireLease(me.name())) {
                        if (before != null && !before.holder().equals(me.name())) takenOverFrom = before.holder();
                        log.info("took the lease");
                        again();
                    }
                }
                case Decision.Promote p -> {
                    long forkLsn = status.lsn();
                    pg.promote();
                    failovers++;
                    log.info("promoted: this node is the primary");
                    recordPromotion(view, forkLsn);
                    reconcile(store.snapshot(), true);
                    again();
                }
                case Decision.StartPrimary s -> {
                    pg.startPrimary();
                    again();
                }
                case Decision.ReleaseLease r -> {
                    store.releaseLease(me.name());
                    again();
                }
                case Decision.Fence f -> {
                    pg.stopNow();
                    again();
                }
                case Decision.StartStandby s -> {
                    try {
                        pg.startStandby(s.leader());
                    } catch (PostgresException e) {
                        standbyStartFailed = s.leader() != null;
                        throw e;
                    }
                    again();
                }
                case Decision.Restart r -> {
                    pg.stop(false);
                    if (r.leader() == null) pg.startPrimary();
                    else pg.startStandby(r.leader());
                    store.requestRestart(me.name(), false);
                    log.info("restarted PostgreSQL as the operator asked");
                    again();
                }
                case Decision.Detach x -> {
                    pg.follow(null);
                    again();
                }
                case Decision.Follow f -> {
                    pg.follow(f.leader());
                    notStreamingSince = 0;
                }
                case Decision.Rewind r -> {
                    standbyStartFailed = false;
                    if (pg.rewind(r.leader())) {
                        rewindFailed = false;
                        pg.startStandby(r.leader());
                    } else {
                        rewindFailed = true;
                    }
                    notStreamingSince = 0;
                    again();
                }
                case Decision.Reinit r -> {
                    pg.moveDataAside();
                    rewindFailed = false;
                    if (view.reinit().contains(me.name())) store.requestReinit(me.name(), false);
                    again();
                }
            }
        } catch (PostgresException | StoreException e) {
            log.warn("{} failed: {}", d.getClass().getSimpleName(), e.getMessage());
        }
    }

    private void bootstrap(ClusterSnapshot view) throws StoreException, PostgresException {
        if (!me.name().equals(view.initClaimedBy()) && !store.claimInitialize(me.name())) return;
        log.info("bootstrapping the cluster");
        try {
            pg.bootstrap();
            store.setInitialized(pg.systemIdentifier());
        } catch (PostgresException e) {
            log.error("bootstrap failed, giving the bootstrap right back: {}", e.getMessage());
            try {
                pg.moveDataAside();
            } finally {
                store.abandonInitialize(me.name());
            }
            return;
        }
        if (store.acquireLease(me.name())) log.info("took the lease: this node is the primary");
        again();
    }

    /** Stop cleanly (walsenders hand every WAL byte to the standbys first), then let the candidate take over. */
    private void handOver(Switchover sw, String candidate) throws PostgresException, StoreException {
        log.info("switchover: stopping PostgreSQL cleanly to hand over to {}", candidate);
        pg.stop(false);
        long end = pg.checkpointLocation();
        pg.markStandby();
        store.writeSwitchover(new Switchover(me.name(), candidate, sw.scheduledAtMillis(), sw.requestedAtMillis(), end));
        store.releaseLease(me.name());
        log.info("switchover: released the lease; WAL ends at {}", io.pgha.postgres.Lsn.format(end));
        again();
    }

    private void recordPromotion(ClusterSnapshot view, long forkLsn) throws StoreException {
        Switchover sw = view.switchover();
        boolean manual = view.failover() != null && me.name().equals(view.failover().candidate());
        String reason = sw != null && me.name().equals(sw.candidate()) ? "switchover from " + sw.leader()
                : (manual ? "manual failover" : "failover") + (takenOverFrom != null ? " from " + takenOverFrom : "");
        takenOverFrom = null;
        if (sw != null) store.clearSwitchover();
        if (view.failover() != null) store.clearFailover();
        PgStatus now = pg.observe();
        store.addHistory(new HistoryEntry(now.timeline(), forkLsn, System.currentTimeMillis(), me.name(), reason));
        history = store.history();
    }

    /** pgha edit-config's parameters, applied on every member (reload); a restart-only change is published. */
    private void applyParameters(java.util.Map<String, String> wanted) {
        if (wanted.equals(appliedParameters)) return;
        try {
            pg.applyParameters(wanted, appliedParameters.keySet());
            appliedParameters = java.util.Map.copyOf(wanted);
            log.info("applied the cluster's PostgreSQL parameters {}", wanted.keySet());
            again();
        } catch (PostgresException e) {
            log.warn("cannot apply the cluster's PostgreSQL parameters: {}", e.getMessage());
        }
    }

    /** Walks the synchronous set toward the streaming standbys, one safe step at a time. */
    private void reconcileSync(ClusterSnapshot view, PgStatus status) throws StoreException, PostgresException {
        List<String> streaming = status.streamingStandbys().stream().filter(view::isAlive).toList();
        SyncState recorded = view.sync();
        SyncNames inPostgres = new SyncNames(status.syncQuorum(), status.syncStandbys());
        for (int i = 0; i < 4; i++) {
            SyncPlanner.Step step = SyncPlanner.next(me.name(), recorded, inPostgres, streaming, settings);
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

    /** Slots and pg_hba follow the member list; done again only when that list or the slots change. */
    private void reconcile(ClusterSnapshot view, boolean force) throws PostgresException {
        TreeSet<String> names = new TreeSet<>(view.members().keySet());
        if (!force && names.equals(reconciledMembers)) {
            Member mine = view.members().get(me.name());
            boolean slotsMissing = mine == null || names.stream().filter(n -> !n.equals(me.name()))
                    .anyMatch(n -> mine.slots() == null || !mine.slots().contains(ManagedFiles.slotName(n)));
            if (!slotsMissing) return;
        }
        Map<String, String> addresses = new TreeMap<>();
        view.members().forEach((n, m) -> addresses.put(n, m.host()));
        pg.reconcileMembers(addresses);
        reconciledMembers = names;
        again();
    }

    private void again() {
        wakeUp();
    }

    public String lastReason() {
        return lastReason;
    }

    public long lastLoopAtNanos() {
        return lastLoopAtNanos;
    }

    @Override
    public void close() {
        running = false;
        wakeUp();
        fencer.shutdownNow();
    }
}
