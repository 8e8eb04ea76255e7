package io.pgha.dcs;

import io.pgha.config.HaSettings;
import io.pgha.dcs.EtcdClient.Op;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's session with etcd, as fencing needs it: one lease granted with the ttl and renewed by this agent
 * every tenth of it (the time each renewal was sent is the last contact: etcd cannot expire the lease sooner
 * than ttl after it), the keys attached to that lease, and change events for the cluster's prefix.
 */
final class EtcdSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EtcdSession.class);
    static final long NO_LEASE = -1;

    private final EtcdRequests requests;
    private final EtcdKeys keys;
    private final Duration ttl;
    private final long staleAfterNanos;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Keys that live on the session lease (this agent's alive key): put again on a new lease. */
    private final Map<String, byte[]> attached = new ConcurrentHashMap<>();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "etcd-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile long lease = NO_LEASE;
    private volatile boolean connected;
    private volatile boolean sessionLost;
    private volatile long lastContactNanos = System.nanoTime();
    private volatile EtcdClient.Watch watcher;
    private final AtomicBoolean granting = new AtomicBoolean();
    private final AtomicBoolean rewatchPending = new AtomicBoolean();
    private volatile boolean closed;

    EtcdSession(EtcdRequests requests, EtcdKeys keys, Duration ttl) {
        this.requests = requests;
        this.keys = keys;
        this.ttl = ttl;
        this.staleAfterNanos = ttl.dividedBy(3).toNanos();
    }

    /**
     * Reads the cluster's keys (etcd 3.4 grants leases without checking credentials), takes the first lease
     * (refusing one whose ttl differs), then renews it and watches the cluster's keys.
     */
    void start() throws StoreException {
        requests.call("read the cluster's keys", keys.all(), () -> requests.client().range(keys.all(), true, true));
        long sent = System.nanoTime();
        var granted = requests.call("take a session lease", null, () -> requests.client().grant(ttl.toSeconds()));
        if (granted.ttlSeconds() != ttl.toSeconds()) {
            requests.client().revoke(granted.id());
            throw new StoreException("ha.ttl: etcd granted a lease of " + granted.ttlSeconds() + " s, not the "
                    + ttl.toSeconds() + " s asked for (etcd's shortest lease is 1.5 election timeouts): raise ha.ttl to at"
                    + " least " + granted.ttlSeconds() + "s, or lower etcd's --election-timeout");
        }
        adopt(granted.id(), sent);
        long every = HaSettings.heartbeatFor(ttl).toMillis();
        beats.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
        watch();
    }

    private void watch() {
        watcher = requests.client().watchPrefix(keys.all(), this::fire, error -> {
            if (closed || !rewatchPending.compareAndSet(false, true)) return;
            log.warn("etcd watch of {} failed ({}): watching again in {} ms", keys.prefix(), error.getMessage(),
                    staleAfterNanos / 1_000_000);
            beats.schedule(this::rewatch, staleAfterNanos, TimeUnit.NANOSECONDS);
        });
    }

    private void rewatch() {
        rewatchPending.set(false);
        EtcdClient.Watch old = watcher;
        if (old != null) old.close();
        if (closed) return;
        watch();
        fire();
    }

    private void beat() {
        long current = lease;
        long sent = System.nanoTime();
        if (current == NO_LEASE) {
            if (granting.compareAndSet(false, true)) requests.client().grant(ttl.toSeconds())
                    .orTimeout(staleAfterNanos, TimeUnit.NANOSECONDS)
                    .whenComplete((granted, error) -> {
                        if (error == null) adopt(granted.id(), sent);
                        granting.set(false);
                    });
        } else {
            requests.client().keepAliveOnce(current)
                    .orTimeout(staleAfterNanos, TimeUnit.NANOSECONDS)
                    .whenComplete((answer, error) -> renewed(current, sent, answer, error));
        }
        if (connected && System.nanoTime() - lastContactNanos > staleAfterNanos) {
            connected = false;
            log.info("etcd connection SUSPENDED: no renewal answered for {} ms", staleAfterNanos / 1_000_000);
            fire();
        }
    }

    private void renewed(long renewedLease, long sent, Long remainingTtl, Throwable error) {
        if (renewedLease != lease) return;
        boolean gone = error == null ? remainingTtl <= 0 : EtcdClientException.kindOf(error) == EtcdClientException.Kind.NOT_FOUND;
        if (gone) {
            lease = NO_LEASE;
            connected = false;
            sessionLost = true;
            log.info("etcd connection LOST: lease {} expired", Long.toHexString(renewedLease));
            fire();
        } else if (error == null) {
            contact(sent);
        }
    }

    private synchronized void adopt(long granted, long sent) {
        lease = granted;
        attached.forEach((key, value) -> requests.client().txn(List.of(), List.of(new Op.Put(key, value, granted)), List.of()));
        sessionLost = false;
        contact(sent);
    }

    private void contact(long sent) {
        if (sent - lastContactNanos > 0) lastContactNanos = sent;
        if (!connected) {
            connected = true;
            log.info("etcd connection CONNECTED (lease {})", Long.toHexString(lease));
            // a watch stream that outlived a silent network may be dead without an error: start a new one
            if (!closed && watcher != null && rewatchPending.compareAndSet(false, true)) beats.execute(this::rewatch);
            fire();
        }
    }

    /** Keeps {@code key} on whichever lease this session holds from now on. */
    void attach(String key, byte[] value) {
        attached.put(key, value);
    }

    private void fire() {
        for (Runnable r : listeners) r.run();
    }

    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    StoreHealth health() {
        return new StoreHealth(connected, sessionLost, lastContactNanos);
    }

    /** The current session lease's id, or {@link #NO_LEASE} while there is none. */
    long sessionId() {
        return lease;
    }

    /** Ends the session: its lease is revoked, so the keys on it (alive, and a lease still held) go at once. */
    @Override
    public void close() {
        closed = true;
        beats.shutdownNow();
        EtcdClient.Watch w = watcher;
        if (w != null) w.close();
        long current = lease;
        if (current != NO_LEASE) {
            try {
                requests.client().revoke(current).get(requests.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.debug("revoking lease {} on close: {}", Long.toHexString(current), e.getMessage());
            }
        }
        lease = NO_LEASE;
        connected = false;
    }
}
