package io.pgha.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.postgres.PgState;
import io.pgha.testing.InJvmZookeeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ZooKeeper store against a real ZooKeeper server in this JVM. */
class ZookeeperStoreTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static InJvmZookeeper server;

    @BeforeAll
    static void startServer() throws Exception {
        server = InJvmZookeeper.start(27201);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static ZookeeperStore agentStore(String connect, String cluster, Duration ttl) throws StoreException {
        ZookeeperStore store = new ZookeeperStore(connect, cluster, ttl);
        store.start(BOUND);
        return store;
    }

    private static ZookeeperStore store(String cluster) throws StoreException {
        return agentStore(server.connectString(), cluster, Duration.ofSeconds(4));
    }

    private static CuratorFramework rawClient() throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(server.connectString(), new RetryNTimes(3, 100));
        client.start();
        assertThat(client.blockUntilConnected((int) BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        return client;
    }

    private static Member member(String name, String role) {
        return new Member(name, "10.0.0." + name.length(), 5432, "http://" + name + ":8008", role, PgState.RUNNING, 3, 0x3000060L,
                false, 0, List.of("slot_" + name), role.equals(Member.LEADER) ? null : "a", 1_700_000_000_000L, true, 2);
    }

    @Test
    void theAgentsStoreStartsWhenTheEnsembleGrantsHaTtlAndIsRefusedWhenItGrantsLess() throws Exception {
        var dcs = Stores.fromAddress(server.connectString());
        try (Store granted = Stores.openForAgent(dcs, "granted", Duration.ofSeconds(4), BOUND)) {
            assertThat(granted.health().connected()).isTrue();
        }
        try (InJvmZookeeper stingy = InJvmZookeeper.start(27203, 2_000)) {
            assertThatThrownBy(() -> Stores.openForAgent(Stores.fromAddress(stingy.connectString()), "stingy",
                    Duration.ofSeconds(4), BOUND))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("ha.ttl: ZooKeeper at " + stingy.connectString() + " granted a session of 2000 ms,"
                            + " not the 4000 ms of ha.ttl")
                    .hasMessageContaining("maxSessionTimeout at least 4000");
        }
    }

    @Test
    void anEmptyClusterReadsAsNullsAndEmptyCollections() throws Exception {
        try (ZookeeperStore store = store("empty")) {
            assertThat(store.snapshot()).isEqualTo(new ClusterSnapshot(null, null, null, null, Map.of(), Set.of(), null,
                    null, false, null, Set.of(), Map.of(), Set.of()));
            assertThat(store.history()).isEmpty();
        }
    }

    @Test
    void theSnapshotRoundTripsEveryRecord() throws Exception {
        try (ZookeeperStore store = store("roundtrip")) {
            assertThat(store.claimInitialize("a")).isTrue();
            assertThat(store.snapshot().initClaimedBy()).isEqualTo("a");
            assertThat(store.snapshot().initialized()).isNull();
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
            assertThat(read.leader().holder()).isEqualTo("a");
            assertThat(read.leader().owner()).isEqualTo(store.sessionId());
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
        }
    }

    @Test
    void aConditionalWriteLostToAnotherSessionIsFalseOrAConflict() throws Exception {
        try (ZookeeperStore a = store("conflict"); ZookeeperStore b = store("conflict"); CuratorFramework raw = rawClient()) {
            assertThat(a.claimInitialize("a")).isTrue();
            assertThat(b.claimInitialize("b")).as("the bootstrap right is taken").isFalse();
            b.abandonInitialize("b");
            assertThat(b.snapshot().initClaimedBy()).as("only the claimant gives it back").isEqualTo("a");

            assertThat(a.acquireLease("a")).isTrue();
            assertThat(b.acquireLease("b")).as("the lease is held").isFalse();
            b.releaseLease("a");
            assertThat(b.snapshot().leader().heldBy("a", a.sessionId())).as("releasing is only for the holder").isTrue();

            ZookeeperRequests requests = new ZookeeperRequests(raw);
            String path = ZookeeperPaths.forCluster("conflict").initialize();
            assertThatThrownBy(() -> requests.call("create the key", path, () -> raw.create().forPath(path)))
                    .isInstanceOf(StoreConflictException.class).hasMessageContaining("create the key").hasMessageContaining(path);
            Stat stat = raw.checkExists().forPath(path);
            a.setInitialized("42");
            assertThatThrownBy(() -> requests.call("compare and set", path,
                    () -> raw.setData().withVersion(stat.getVersion()).forPath(path, new byte[0])))
                    .isInstanceOf(StoreConflictException.class);
            assertThat(a.snapshot().initialized()).as("the lost write changed nothing").isEqualTo("42");
        }
    }

    @Test
    void aMemberWithANewSessionTakesItsOwnLeftoverLeaseOver() throws Exception {
        try (ZookeeperStore before = store("takeover"); ZookeeperStore after = store("takeover")) {
            assertThat(before.acquireLease("a")).isTrue();
            assertThat(after.acquireLease("a")).isTrue();
            assertThat(after.snapshot().leader().heldBy("a", after.sessionId())).isTrue();
        }
    }

    @Test
    void withTheServerStoppedRequestsFailAsUnavailableWithinTheAgentsBound() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        // RetryNTimes(2, 100): three attempts, each waiting up to the connection timeout (max(1 s, ttl/2))
        Duration bound = Duration.ofMillis(3 * Math.max(1000, ttl.toMillis() / 2) + 2 * 100 + 1500);
        try (InJvmZookeeper lonely = InJvmZookeeper.start(27202);
             ZookeeperStore store = agentStore(lonely.connectString(), "unavailable", ttl)) {
            store.publish(member("a", Member.LEADER));
            lonely.stop();
            await().atMost(BOUND).until(() -> !store.health().connected());
            for (ThrowingCall call : List.<ThrowingCall>of(store::snapshot, () -> store.acquireLease("a"),
                    () -> store.publish(member("a", Member.LEADER)))) {
                long start = System.nanoTime();
                assertThatThrownBy(call::run).isInstanceOf(StoreUnavailableException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void aSnapshotNeverSeesHalfOfAMembershipChange() throws Exception {
        String cluster = "consistent";
        ZookeeperPaths paths = ZookeeperPaths.forCluster(cluster);
        int changes = 300;
        try (ZookeeperStore store = store(cluster); CuratorFramework writer = rawClient()) {
            writer.create().forPath(paths.sync(), StoreCodec.encode(SyncState.empty("m0")));
            // each transaction changes the member list, the alive list and the sync set together
            CompletableFuture<Void> churn = CompletableFuture.runAsync(() -> {
                List<String> names = new ArrayList<>();
                try {
                    for (int i = 0; i < changes; i++) {
                        boolean add = names.size() < 3 || i % 3 != 0;
                        String name = add ? "m" + i : names.remove(0);
                        if (add) names.add(name);
                        byte[] sync = StoreCodec.encode(new SyncState("m0", List.copyOf(names), 1));
                        writer.transaction().forOperations(add
                                ? List.of(writer.transactionOp().create().forPath(paths.member(name), StoreCodec.encode(member(name, Member.REPLICA))),
                                          writer.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(paths.alive(name)),
                                          writer.transactionOp().setData().forPath(paths.sync(), sync))
                                : List.of(writer.transactionOp().delete().forPath(paths.member(name)),
                                          writer.transactionOp().delete().forPath(paths.alive(name)),
                                          writer.transactionOp().setData().forPath(paths.sync(), sync)));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<String> halfSeen = new ArrayList<>();
            Set<Integer> sizesSeen = new HashSet<>();
            int read = 0;
            int gaveUp = 0;
            while (!churn.isDone()) {
                try {
                    ClusterSnapshot s = store.snapshot();
                    read++;
                    sizesSeen.add(s.members().size());
                    Set<String> inSync = new HashSet<>(s.sync().members());
                    if (!inSync.equals(s.members().keySet()) || !inSync.equals(s.alive())) {
                        halfSeen.add("members " + s.members().keySet() + ", alive " + s.alive() + ", sync " + inSync);
                    }
                } catch (StoreUnavailableException memberListKeptChanging) {
                    gaveUp++;
                }
            }
            churn.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(halfSeen).as("snapshots that mixed two states").isEmpty();
            assertThat(sizesSeen).as("member counts seen while the list changed").hasSizeGreaterThan(1);
            assertThat(read).as("snapshots read while the list changed (%d more gave up, as unavailable)", gaveUp).isPositive();
            Map<String, Member> finalMembers = new TreeMap<>(store.snapshot().members());
            assertThat(store.snapshot().sync().members()).containsExactlyInAnyOrderElementsOf(finalMembers.keySet());
        }
    }
}
