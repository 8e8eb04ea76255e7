package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.StoreHealth;
import io.pgha.postgres.PgStatus;
import io.pgha.postgres.Postgres;
import io.pgha.postgres.PostgresException;
import io.pgha.postgres.Watchdog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * observe → publish → decide → act, every {@code loop_wait} and at once on any event: a store change, the
 * postmaster's exit, the end of an action. Publishing comes before deciding so that in an election every
 * candidate ranks against every other's latest position, this node's own included.
 */
public final class HaLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HaLoop.class);

    private final Identity me;
    private final Postgres pg;
    private final Store store;
    private final HaSettings settings;
    private final Fencing fencing;
    private final boolean fences;
    private final Reconciler reconciler;
    private final Actor actor;
    private final HaCounters counters = new HaCounters();
    private final Semaphore wake = new Semaphore(0);
    private final List<Consumer<NodeState>> listeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean reloadRequested = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean running = true;
    private volatile String lastReason = "";
    private volatile long lastLoopAtNanos = System.nanoTime();
    private volatile NodeState state;
    private LoopMemory memory = LoopMemory.START;
    private String stuck;

    public HaLoop(Identity me, Postgres pg, Store store, HaSettings settings) {
        this(me, pg, store, settings, Watchdog.NONE);
    }

    public HaLoop(Identity me, Postgres pg, Store store, HaSettings settings, Watchdog watchdog) {
        this(me, pg, store, settings, watchdog, true);
    }

    /**
     * @param fences false only for the fault suite's negative control: a primary that loses the store keeps running
     *               (a primary told by the store that another node leads still steps down, so the cluster converges)
     */
    public HaLoop(Identity me, Postgres pg, Store store, HaSettings settings, Watchdog watchdog, boolean fences) {
        this.me = me;
        this.pg = pg;
        this.store = store;
        this.settings = settings;
        this.fences = fences;
        this.fencing = new Fencing(pg, store, settings, watchdog, counters, fences);
        this.reconciler = new Reconciler(me.name(), pg, store, settings, this::wakeUp);
        this.actor = new Actor(me.name(), pg, store, reconciler, this::wakeUp, counters);
        store.onChange(() -> {
            wakeUp();
            fencing.onStoreChange();
        });
    }

    /** An operator's reload (POST /reload), carried out by the loop on its next iteration. */
    public void requestReload() {
        reloadRequested.set(true);
        wakeUp();
    }

    public void wakeUp() {
        wake.release();
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
    public void onState(Consumer<NodeState> listener) {
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
        pg.watchPostmaster(this::wakeUp);
        StoreHealth health = store.health();
        ClusterSnapshot view = readCluster(health);
        long now = System.nanoTime();
        long session = store.sessionId();
        boolean iLead = view != null && view.leader() != null && view.leader().heldBy(me.name(), session);
        memory = memory.observed(me.name(), session, status, view, now);

        if (view != null) publish(status, view, iLead);

        Observation o = new Observation(me.name(), status, pg.following(), health, now, System.currentTimeMillis(),
                session, me.neverPromote(), memory);
        Decision d = Decider.decide(o, view, settings);
        if (!fences && d instanceof Decision.Fence && !health.connected())
            d = new Decision.Wait("UNSAFE: fencing is off; the store is unreachable and this primary keeps taking writes");
        if (!d.reason().equals(lastReason)) {
            if (d instanceof Decision.IncompatibleStore) log.error("refusing to act: {}", d.reason());
            else log.info("{}: {}", d.getClass().getSimpleName(), d.reason());
            lastReason = d.reason();
        }
        memory = actor.act(d, view, status, memory);
        boolean refused = d instanceof Decision.IncompatibleStore;
        stuck = d instanceof Decision.Stuck || refused ? d.reason() : null;
        if (view != null && status.running() && status.accepting() && !refused) {
            if (reloadRequested.getAndSet(false)) reload(view);
            else reconciler.parameters(view.parameters());
        }
        if (view != null) actor.loadHistoryOnce();
        NodeState next = new NodeState(me.name(), me.cluster(), status, view, iLead && status.isPrimary(),
                health.connected(), startedWall, (System.nanoTime() - lastLoopAtNanos) / 1_000_000, actor.failovers(),
                settings, actor.history(), stuck);
        state = next;
        for (var l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                log.warn("state listener failed: {}", e.toString());
            }
        }
    }

    private void reload(ClusterSnapshot view) {
        try {
            reconciler.reload(view.parameters());
        } catch (PostgresException e) {
            log.warn("reload failed: {}", e.getMessage());
        }
    }

    private ClusterSnapshot readCluster(StoreHealth health) {
        if (!health.connected()) return null;
        try {
            return store.snapshot();
        } catch (StoreException e) {
            log.warn("{}", e.getMessage());
            return null;
        }
    }

    private void publish(PgStatus status, ClusterSnapshot view, boolean iLead) {
        long nowMillis = System.currentTimeMillis();
        Member m = PublishPolicy.record(me, status, pg.following(), view, iLead, nowMillis, stuck);
        Member old = view.members().get(me.name());
        if (!PublishPolicy.shouldPublish(old, m, view.leader() != null, nowMillis, settings.loopWait().toMillis())) return;
        try {
            store.publish(m);
        } catch (StoreException e) {
            log.warn("{}", e.getMessage());
        }
    }

    /** Promotions, demotions and fencing stops this agent carried out since it started. */
    public HaCounters.Snapshot counters() {
        return counters.snapshot();
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
        fencing.close();
    }
}
