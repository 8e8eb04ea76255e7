package io.pgha.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.config.NodeConfig;
import io.pgha.postgres.PgState;
import io.pgha.testing.FreezableProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every backend of {@link Store} must do, run against a real server of each kind (opened through
 * {@link Stores}, as the agent opens it). A holder that "stops answering" sits behind a {@link FreezableProxy}.
 */
abstract class StoreContract {
    static final Duration BOUND = Duration.ofSeconds(30);
    static final Duration TTL = Duration.ofSeconds(4);
    /** HaSettings' default fence margin: the agent fences this long before the store can expire its lease. */
    static final Duration FENCE_MARGIN = Duration.ofMillis(400);

    /** The store's address; {@code port} null: the real one, else a single address at that (proxy) port. */
    abstract NodeConfig.Dcs dcs(Integer port);

    /** The port a proxy in front of the store forwards to. */
    abstract int serverPort();

    /** A free port for this test class's proxy. */
    abstract int proxyPort();

    /** How long one request may take to fail while the network to the store is frozen. */
    abstract Duration unreachableBound();

    Store store(String cluster) throws StoreException {
        return Stores.openForAgent(dcs(null), cluster, TTL, BOUND);
    }

    static Member member(String name, String role) {
        return new Member(name, "10.0.0." + name.length(), 5432, "http://" + name + ":8008", role, PgState.RUNNING, 3,
                0x3000060L, false, 0, List.of("slot_" + name), role.equals(Member.LEADER) ? null : "a",
                1_700_000_000_000L, true, 2);
    }

    @Test
    void anEmptyClusterReadsAsNullsAndEmptyCollections() throws Exception {
        try (Store store = store("empty")) {
            assertThat(store.snapshot()).isEqualTo(new ClusterSnapshot(null, null, null, null, Map.of(), Set.of(), null,
                    null, false, null, Set.of(), Map.of(), Set.of()));
            assertThat(store.history()).isEmpty();
        }
    }

    @Test
    void theSnapshotRoundTripsEveryRecord() throws Exception {
        try (Store store = store("roundtrip")) {
            assertThat(store.claimInitialize("a")).isTrue();
            assertThat(store.snapshot().initClaimedBy()).isEqualTo("a");
            store.setInitialized("7301234567890123456");
            store.publish(member("a", Member.LEADER));
            store.publish(member("bb", Member.REPLICA));
            assertThat(store.acquireLease("a")).isTrue();
            SyncState sync = new SyncState("a", List.of("bb"), 1);
            store.writeSync(sync);
            Switchover switchover = new Switchover("a", "bb", 0, 1_700_000_000_001L, 0x3000100L);
            store.writeSwitchover(switchover);
            FailoverRequest failover = new FailoverRequest("bb", 1_700_000_000_002L);
            store.writeFailover(failover);
            store.requestReinit("bb", true);
            store.requestRestart("a", true);
            store.writeParameters(Map.of("work_mem", "8MB", "max_connections", "200"));
            store.setPaused(true);
            store.setPaused(true);
            HistoryEntry first = new HistoryEntry(2, 0x2000000L, 1_600_000_000_000L, "bb", "failover");
            HistoryEntry second = new HistoryEntry(3, 0x3000000L, 1_700_000_000_000L, "a", "switchover");
            store.addHistory(first);
            store.addHistory(second);

            ClusterSnapshot read = store.snapshot();
            assertThat(read.leader().heldBy("a", store.sessionId())).isTrue();
            assertThat(read.leader().token()).isPositive();
            assertThat(read).isEqualTo(new ClusterSnapshot("7301234567890123456", null, read.leader(),
                    new Lease("a", read.leader().token()), Map.of("a", member("a", Member.LEADER), "bb", member("bb", Member.REPLICA)),
                    Set.of("a", "bb"), sync, switchover, true, failover, Set.of("bb"),
                    Map.of("max_connections", "200", "work_mem", "8MB"), Set.of("a")));
            assertThat(store.history()).containsExactly(first, second);

            store.clearSwitchover();
            store.clearFailover();
            store.requestReinit("bb", false);
            store.requestRestart("a", false);
            store.setPaused(false);
            store.releaseLease("a");
            store.removeMember("bb");
            ClusterSnapshot cleared = store.snapshot();
            assertThat(cleared.leader()).isNull();
            assertThat(cleared.lastLeader()).isEqualTo(new Lease("a", read.leader().token()));
            assertThat(cleared.switchover()).isNull();
            assertThat(cleared.failover()).isNull();
            assertThat(cleared.paused()).isFalse();
            assertThat(cleared.reinit()).isEmpty();
            assertThat(cleared.restart()).isEmpty();
            assertThat(cleared.members()).containsOnlyKeys("a");

            RestoreRequest restore = new RestoreRequest(RestoreRequest.LATEST, null, null, 1_700_000_000_003L);
            store.writeSync(sync);
            store.requestRestore(restore, true);
            ClusterSnapshot restoring = store.snapshot();
            assertThat(restoring.restore()).isEqualTo(restore);
            assertThat(restoring.initialized()).isNull();
            assertThat(restoring.sync()).isNull();
            store.clearRestore();
            assertThat(store.snapshot().restore()).isNull();
        }
    }

    @Test
    void theStoreFormatAndWhatEachMemberUnderstandsRoundTrip() throws Exception {
        try (Store store = store("format")) {
            assertThat(store.snapshot().format()).as("a store from before formats has no key").isNull();
            assertThat(store.snapshot().storeFormat()).isEqualTo(StoreFormat.UNRECORDED);
            store.writeFormat(StoreFormat.current());
            assertThat(store.snapshot().format()).isEqualTo(new StoreFormat(StoreFormat.CURRENT, io.pgha.config.PghaVersion.VERSION));
            StoreFormat newer = new StoreFormat(StoreFormat.CURRENT + 1, "9.0.0");
            store.writeFormat(newer);
            assertThat(store.snapshot().storeFormat()).isEqualTo(newer);
            assertThat(store.snapshot().storeFormat().tooNew()).isTrue();

            Member older = new Member("old", "h", 5432, "u", Member.REPLICA, PgState.STREAMING, 1, 0, false, 0, List.of(),
                    null, 0, false, 1, null, false, 0);
            store.publish(older);
            store.publish(member("new", Member.REPLICA));
            var members = store.snapshot().members();
            assertThat(members.get("old").storeFormat()).isZero();
            assertThat(members.get("new").storeFormat()).isEqualTo(StoreFormat.CURRENT);
        }
    }

    @Test
    void exactlyOneOfManyConcurrentCallersWinsTheLeaseAndTheBootstrap() throws Exception {
        int n = 4;
        List<Store> stores = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            for (int i = 0; i < n; i++) stores.add(store("race"));
            List<Boolean> claims = all(pool, stores, i -> stores.get(i).claimInitialize("m" + i));
            List<Boolean> leases = all(pool, stores, i -> stores.get(i).acquireLease("m" + i));
            assertThat(claims).as("bootstrap claims").containsOnlyOnce(true);
            assertThat(leases).as("lease acquisitions").containsOnlyOnce(true);
            int winner = leases.indexOf(true);
            for (Store s : stores) {
                assertThat(s.snapshot().leader().heldBy("m" + winner, stores.get(winner).sessionId())).isTrue();
                assertThat(s.snapshot().initClaimedBy()).isEqualTo("m" + claims.indexOf(true));
            }
            int loser = (winner + 1) % n;
            assertThat(stores.get(loser).acquireLease("m" + loser)).as("asked again, still held").isFalse();
            stores.get(loser).releaseLease("m" + winner);
            assertThat(stores.get(loser).snapshot().leader().holder()).as("only the holder's session releases").isEqualTo("m" + winner);
            int claimant = claims.indexOf(true);
            int other = (claimant + 1) % n;
            stores.get(other).abandonInitialize("m" + other);
            assertThat(stores.get(other).snapshot().initClaimedBy()).as("only the claimant gives it back").isEqualTo("m" + claimant);
            stores.get(claimant).abandonInitialize("m" + claimant);
            assertThat(stores.get(other).claimInitialize("m" + other)).as("given back, it can be claimed again").isTrue();
        } finally {
            pool.shutdownNow();
            for (Store s : stores) s.close();
        }
    }

    private static List<Boolean> all(ExecutorService pool, List<Store> stores, IndexedCall call) throws Exception {
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            int index = i;
            answers.add(pool.submit((Callable<Boolean>) () -> call.run(index)));
        }
        List<Boolean> out = new ArrayList<>();
        for (Future<Boolean> f : answers) out.add(f.get());
        return out;
    }

    @FunctionalInterface
    private interface IndexedCall {
        boolean run(int index) throws Exception;
    }

    @Test
    void aMemberWithANewSessionTakesItsOwnLeftoverLeaseOver() throws Exception {
        try (Store before = store("takeover"); Store after = store("takeover")) {
            assertThat(before.acquireLease("a")).isTrue();
            assertThat(after.acquireLease("a")).isTrue();
            assertThat(after.snapshot().leader().heldBy("a", after.sessionId())).isTrue();
            assertThat(before.snapshot().leader().heldBy("a", before.sessionId())).isFalse();
        }
    }

    @Test
    void aHolderThatStopsAnsweringLosesTheLeaseTtlAfterItsLastAnsweredRequestAndKnowsInTimeToFence() throws Exception {
        try (FreezableProxy proxy = new FreezableProxy(proxyPort(), serverPort());
             Store holder = Stores.openForAgent(dcs(proxy.port()), "expiry", TTL, BOUND);
             Store observer = store("expiry")) {
            assertThat(holder.acquireLease("a")).isTrue();
            holder.publish(member("a", Member.LEADER));
            long holderSession = holder.sessionId();
            proxy.freeze();
            long frozenAt = System.nanoTime();
            await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> !holder.health().connected());
            long knewAt = System.nanoTime();
            await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> observer.snapshot().leader() == null);
            long expiredAt = System.nanoTime();
            long lastContact = holder.health().lastContactNanos();

            assertThat(Duration.ofNanos(expiredAt - lastContact)).as("the store kept the lease at least ttl after the last answer")
                    .isGreaterThanOrEqualTo(TTL.minusMillis(100));
            assertThat(Duration.ofNanos(expiredAt - frozenAt)).as("and not much longer").isLessThan(TTL.plusSeconds(3));
            assertThat(Duration.ofNanos(knewAt - lastContact)).as("the holder saw the loss before its fencing deadline")
                    .isLessThan(TTL.minus(FENCE_MARGIN));
            assertThat(observer.snapshot().alive()).as("its alive key went with its session").doesNotContain("a");
            assertThat(observer.acquireLease("b")).isTrue();

            proxy.thaw();
            await().atMost(BOUND).until(() -> holder.health().connected());
            assertThat(holder.acquireLease("a")).as("the old holder, back, finds the lease taken").isFalse();
            assertThat(holder.sessionId()).as("it has a new session").isNotEqualTo(holderSession);
        }
    }

    @Test
    void everyChangeToTheClusterWakesTheListeners() throws Exception {
        try (Store listening = store("events"); Store writing = store("events")) {
            AtomicInteger calls = new AtomicInteger();
            listening.onChange(calls::incrementAndGet);
            for (ThrowingCall change : List.<ThrowingCall>of(() -> writing.publish(member("b", Member.REPLICA)),
                    () -> writing.acquireLease("b"), () -> writing.setPaused(true),
                    () -> writing.writeSwitchover(new Switchover("b", null, 0, 1L, 0L)), () -> writing.releaseLease("b"))) {
                int before = calls.get();
                change.run();
                await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() > before);
            }
        }
    }

    @Test
    void withTheStoreUnreachableRequestsFailAsUnavailableWithinTheBackendsBound() throws Exception {
        try (FreezableProxy proxy = new FreezableProxy(proxyPort(), serverPort());
             Store store = Stores.openForAgent(dcs(proxy.port()), "unavailable", TTL, BOUND)) {
            store.publish(member("a", Member.LEADER));
            proxy.freeze();
            await().atMost(BOUND).until(() -> !store.health().connected());
            for (ThrowingCall call : List.<ThrowingCall>of(store::snapshot, () -> store.acquireLease("a"),
                    () -> store.publish(member("a", Member.LEADER)))) {
                long start = System.nanoTime();
                assertThatThrownBy(call::run).isInstanceOf(StoreUnavailableException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(unreachableBound());
            }
        }
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }
}
