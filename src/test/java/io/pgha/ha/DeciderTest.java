package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.FailoverRequest;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.dcs.RestoreRequest;
import io.pgha.dcs.StoreFormat;
import io.pgha.dcs.StoreHealth;
import io.pgha.dcs.Switchover;
import io.pgha.dcs.SyncState;
import io.pgha.ha.Decision.AbandonSwitchover;
import io.pgha.ha.Decision.AcquireLease;
import io.pgha.ha.Decision.Bootstrap;
import io.pgha.ha.Decision.Clone;
import io.pgha.ha.Decision.Detach;
import io.pgha.ha.Decision.Fence;
import io.pgha.ha.Decision.Follow;
import io.pgha.ha.Decision.HandOver;
import io.pgha.ha.Decision.IncompatibleStore;
import io.pgha.ha.Decision.KillAndRelease;
import io.pgha.ha.Decision.Stuck;
import io.pgha.ha.Decision.Lead;
import io.pgha.ha.Decision.MoveAsideForRestore;
import io.pgha.ha.Decision.Promote;
import io.pgha.ha.Decision.Reinit;
import io.pgha.ha.Decision.ReleaseLease;
import io.pgha.ha.Decision.Restart;
import io.pgha.ha.Decision.Rewind;
import io.pgha.ha.Decision.StartPrimary;
import io.pgha.ha.Decision.StartStandby;
import io.pgha.ha.Decision.Wait;
import io.pgha.postgres.DiskSpace;
import io.pgha.postgres.PgState;
import io.pgha.postgres.PgStatus;
import io.pgha.postgres.Upstream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every HA rule as a row: a situation in words, (this node, the cluster) in, the decision and a fragment of
 * its reason out. The reason names the rule that fired: many rules end in Wait, and only the reason tells them apart.
 */
class DeciderTest {
    static final HaSettings S = HaSettings.defaults();
    static final long NOW = 1_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final long WALL = 1_800_000_000_000L;
    /** Well past the switchover timeout (a clean stop plus two lease expiries). */
    static final long LONG_AGO = WALL - 120_000;

    // ---- local PostgreSQL states
    static final PgStatus NO_DATA = PgStatus.noData();
    static final PgStatus PRIMARY = pg(true, true, false, false, 5000, false);
    static final PgStatus STANDBY_STREAMING = pg(true, true, true, true, 5000, true);
    static final PgStatus STANDBY_NOT_STREAMING = pg(true, true, true, false, 5000, true);
    static final PgStatus STOPPED_PRIMARY = pg(false, false, false, false, 0, false);
    static final PgStatus STOPPED_STANDBY = pg(false, false, true, false, 0, true);
    static final PgStatus STARTING_PRIMARY = pg(true, false, false, false, 0, false);
    static final PgStatus STARTING_STANDBY = pg(true, false, true, false, 0, true);
    static final PgStatus HUNG_PRIMARY = STARTING_PRIMARY.toBuilder().notAnswering(true).build();
    static final PgStatus PRIMARY_DISK_FULL = PRIMARY.toBuilder().disk(new DiskSpace(8 << 20, 300 << 20, 8 << 20, 300 << 20)).build();

    static PgStatus pg(boolean running, boolean accepting, boolean recovery, boolean streaming, long lsn, boolean signal) {
        return new PgStatus(true, running, accepting, recovery, 1, lsn, streaming, null, 0, signal, List.of(), List.of(), List.of(), 0);
    }

    static PgStatus standbyAt(long lsn) {
        return pg(true, true, true, false, lsn, true);
    }

    // ---- the store connection
    static final StoreHealth SESSION_LOST = new StoreHealth(false, true, NOW);

    static StoreHealth silentFor(long ms) {
        return new StoreHealth(false, false, NOW - ms * MS);
    }

    // ---- observations
    record Obs(Observation o) {
        Observation build() { return o; }

        Obs following(String f) { return new Obs(o.withFollowing(f)); }
        Obs store(StoreHealth h) { return new Obs(o.withStore(h)); }
        Obs pgDownFor(long ms) { return memory(m().withPgDownSince(NOW - ms * MS)); }
        Obs notStreamingFor(long ms) { return memory(m().withNotStreamingSince(NOW - ms * MS)); }
        Obs leaderlessFor(long ms) { return memory(m().withLeaderlessSince(NOW - ms * MS)); }
        Obs notAnsweringFor(long ms) { return memory(m().withNotAnsweringSince(NOW - ms * MS)); }
        Obs withRewindFailed() { return memory(m().rewound(false)); }
        Obs abdicated() { return memory(m().abdicate()); }
        Obs withStartFailed() { return memory(m().standbyStartFailed(true)); }
        Obs reclonedAlready() { return memory(m().movedAside()); }
        Obs withNofailover() { return new Obs(o.withNeverPromote()); }

        private LoopMemory m() { return o.memory(); }
        private Obs memory(LoopMemory m) { return new Obs(o.withMemory(m)); }
    }

    static Obs node(String me, PgStatus pg) {
        return new Obs(new Observation(me, pg, null, StoreHealth.ok(), NOW, WALL, 0, false, LoopMemory.START));
    }

    // ---- cluster views
    static final class View {
        String initialized = "7000000000000000001";
        String claimedBy;
        Lease leader;
        Lease last;
        final Map<String, Member> members = new HashMap<>();
        final Set<String> alive = new TreeSet<>();
        SyncState sync;
        Switchover switchover;
        boolean paused;
        FailoverRequest failover;
        Set<String> reinit = Set.of();
        Set<String> restart = Set.of();
        RestoreRequest restore;
        StoreFormat format;

        /** The store's format key as a pgha of {@code version} recorded it. */
        View format(int number, String version) {
            format = new StoreFormat(number, version);
            return this;
        }

        View paused() {
            paused = true;
            return this;
        }

        View switchover(String leader, String candidate, long shutdownLsn, long requestedAt) {
            switchover = new Switchover(leader, candidate, 0, requestedAt, shutdownLsn);
            return this;
        }

        View failover(String candidate, long requestedAt) {
            failover = new FailoverRequest(candidate, requestedAt);
            return this;
        }

        View sync(String leader, int quorum, String... members) {
            sync = new SyncState(leader, List.of(members), quorum);
            return this;
        }

        View leader(String name, long token) {
            return lease(new Lease(name, token));
        }

        /** The lease as held through the store session {@code owner} (a node's current session is 0 here). */
        View lease(Lease l) {
            leader = l;
            last = l;
            return this;
        }

        View lastLeader(String name, long token) {
            last = new Lease(name, token);
            return this;
        }

        View member(String name, String role, String state, long lsn, long lostToken, List<String> slots) {
            return with(new Member(name, "127.0.0.1", 5432, "http://x", role, PgState.fromLabel(state), 1, lsn, false, lostToken, slots, null, 0));
        }

        /** A standby that reported {@code lsn} after the lease with {@code lostToken} vanished. */
        View standby(String name, long lsn, long lostToken) {
            return member(name, "replica", "in archive recovery", lsn, lostToken, List.of());
        }

        View with(Member m) {
            members.put(m.name(), m);
            alive.add(m.name());
            return this;
        }

        View dead(String name) {
            alive.remove(name);
            return this;
        }

        View uninitialized(String claimedBy) {
            initialized = null;
            this.claimedBy = claimedBy;
            return this;
        }

        View reinit(String... names) {
            reinit = Set.of(names);
            return this;
        }

        View restore(String target, String value) {
            restore = new RestoreRequest(target, value, null, WALL);
            return this;
        }

        View restart(String... names) {
            restart = Set.of(names);
            return this;
        }

        ClusterSnapshot build() {
            return new ClusterSnapshot(initialized, claimedBy, leader, last, members, alive, sync, switchover, paused,
                    failover, reinit, Map.of(), restart, restore, format);
        }
    }

    static View cluster() {
        return new View();
    }

    /** {@code name} holds the lease and runs as a healthy primary. */
    static View ledBy(String name) {
        return cluster().leader(name, 2).member(name, "leader", "running", 100, 0, List.of());
    }

    static Member standbyWithPriority(String name, long lsn, int priority) {
        return new Member(name, "h", 1, "u", "replica", PgState.ARCHIVE_RECOVERY, 1, lsn, false, 7, List.of(), null, 0, false, priority);
    }

    // ---- rows

    /** One rule: the situation in words, this node, the cluster (null: not read yet), and what must be decided. */
    record Row(String situation, Obs obs, View view, Class<? extends Decision> kind, String reason, Consumer<Decision> check) {
        Row {
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException(situation + ": a row names its rule's reason");
        }

        void verify() {
            Decision d = Decider.decide(obs.build(), view == null ? null : view.build(), S);
            // the situation in every message: surefire's XML names a row only by its index
            assertThat(d).as(situation).isInstanceOf(kind);
            assertThat(d.reason()).as("%s: the reason of %s", situation, d).contains(reason);
            check.accept(d);
        }

        /** The decision names {@code name} as the upstream (null: no upstream, recovery only or a primary). */
        Row upstream(String name) {
            return and(d -> assertThat(upstreamOf(d)).as("%s: upstream of %s", situation, d).isEqualTo(name));
        }

        Row noUpstream() {
            return upstream(null);
        }

        Row candidate(String name) {
            return and(d -> assertThat(((HandOver) d).candidate()).as(situation).isEqualTo(name));
        }

        private Row and(Consumer<Decision> more) {
            return new Row(situation, obs, view, kind, reason, check.andThen(more));
        }

        @Override
        public String toString() {
            return situation;
        }
    }

    static Row row(String situation, Obs obs, View view, Class<? extends Decision> kind, String reason) {
        return new Row(situation, obs, view, kind, reason, d -> {});
    }

    static String upstreamOf(Decision d) {
        Upstream u = switch (d) {
            case Clone c -> c.leader();
            case Follow f -> f.leader();
            case Rewind r -> r.leader();
            case Reinit r -> r.leader();
            case Restart r -> r.leader();
            case StartStandby s -> s.leader();
            default -> throw new AssertionError(d + " names no upstream");
        };
        return u == null ? null : u.name();
    }

    static Stream<Row> allRows() {
        return Stream.of(storeAndFencingRows(), emptyDataDirectoryRows(), leaseHolderRows(), followingALeaderRows(),
                electionRows(), synchronousQuorumRows(), plannedSwitchoverRows(), maintenanceModeRows(),
                manualFailoverRows(), operatorOrderRows(), storeFormatRows()).flatMap(s -> s);
    }

    // ================================================================ store connection and fencing

    static Stream<Row> storeAndFencingRows() {
        long budget = S.fenceAfterLastContact().toMillis();
        return Stream.of(
                row("a primary keeps running while the store has been silent for less than the ttl less the margin",
                        node("a", PRIMARY).store(silentFor(budget - 1)), cluster(), Wait.class, "the store is unreachable"),
                row("a primary fences once the store has been silent for the ttl less the margin",
                        node("a", PRIMARY).store(silentFor(budget)), cluster(), Fence.class, "lost the store connection"),
                row("a primary fences at once when its session is lost",
                        node("a", PRIMARY).store(SESSION_LOST), cluster(), Fence.class, "lost the store connection"),
                row("a starting former primary is also fenced without the store",
                        node("a", STARTING_PRIMARY).store(SESSION_LOST), cluster(), Fence.class, "lost the store connection"),
                row("a standby waits without the store, however long",
                        node("b", STANDBY_STREAMING).store(new StoreHealth(false, true, NOW - 60_000 * MS)), cluster(),
                        Wait.class, "the store is unreachable"),
                row("a node that has not read the cluster yet waits",
                        node("a", PRIMARY), null, Wait.class, "no view of the cluster yet"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storeAndFencingRows")
    void storeAndFencing(Row row) {
        row.verify();
    }

    @Test
    void fencingCountsFromTheLastAnsweredRequestAndEndsAMarginBeforeTheSessionCanExpire() {
        assertThat(S.fenceAfterLastContact().toMillis()).isEqualTo(3000 - 400);
        assertThat(Decider.mustFence(StoreHealth.ok(), true, NOW, S)).isFalse();
        assertThat(Decider.mustFence(new StoreHealth(false, true, NOW), false, NOW, S)).isFalse();
    }

    @Test
    void aPrimaryChecksInWithItsWatchdogOnlyWhileTheStoreAnsweredRecently() {
        long fresh = S.watchdogFreshness().toMillis();
        assertThat(Decider.mayCheckInWithWatchdog(new StoreHealth(true, false, NOW - fresh * MS), NOW, S)).isTrue();
        assertThat(Decider.mayCheckInWithWatchdog(new StoreHealth(true, false, NOW - (fresh + 1) * MS), NOW, S)).isFalse();
        assertThat(Decider.mayCheckInWithWatchdog(new StoreHealth(false, false, NOW), NOW, S)).isFalse();
        // the last check-in vouches for a contact at most `fresh` old: the watchdog fires by the fencing deadline
        assertThat(S.watchdogWait().plus(S.watchdogFreshness())).isEqualTo(S.fenceAfterLastContact());
    }

    // ================================================================ empty data directory

    static Stream<Row> emptyDataDirectoryRows() {
        return Stream.of(
                row("an empty node bootstraps an uninitialized cluster nobody claimed",
                        node("a", NO_DATA), cluster().uninitialized(null), Bootstrap.class, "this node bootstraps it"),
                row("an empty node that claimed the bootstrap goes on bootstrapping",
                        node("a", NO_DATA), cluster().uninitialized("a"), Bootstrap.class, "this node bootstraps it"),
                row("an empty node waits while another bootstraps",
                        node("a", NO_DATA), cluster().uninitialized("b"), Wait.class, "b is bootstrapping the cluster"),
                row("an empty node without a leader waits",
                        node("b", NO_DATA), cluster(), Wait.class, "no leader to clone from yet"),
                row("an empty node holding the lease gives it up",
                        node("a", NO_DATA), cluster().leader("a", 1), ReleaseLease.class, "holds the lease but has no data"),
                row("an empty node waits for a leader that has published nothing",
                        node("b", NO_DATA), cluster().leader("a", 1), Wait.class, "leader a has published nothing yet: no slot to clone through"),
                row("an empty node waits for its slot before cloning",
                        node("b", NO_DATA), cluster().leader("a", 1).member("a", "leader", "running", 100, 0, List.of("c")),
                        Wait.class, "waiting for leader a to create this node's replication slot"),
                row("an empty node clones the leader once its slot exists",
                        node("b", NO_DATA), cluster().leader("a", 1).member("a", "leader", "running", 100, 0, List.of("b")),
                        Clone.class, "no data: cloning the leader a").upstream("a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyDataDirectoryRows")
    void emptyDataDirectory(Row row) {
        row.verify();
    }

    // ================================================================ holding the lease

    static Stream<Row> leaseHolderRows() {
        long limit = S.postgresRestartTimeout().toMillis();
        View bStreamsWithRoom = healthyTrio()
                .with(new Member("b", "127.0.0.1", 5432, "u", "replica", PgState.STREAMING, 1, 5000, false, 0, List.of(), "a", 0));
        View bStreamsDiskFull = healthyTrio()
                .with(new Member("b", "127.0.0.1", 5432, "u", "replica", PgState.STREAMING, 1, 5000, false, 0, List.of(), "a", 0,
                        false, 1, null, true));
        return Stream.of(
                row("the lease holder running as primary leads",
                        node("a", PRIMARY), ledBy("a"), Lead.class, "healthy primary holding the lease"),
                row("the lease holder running as a standby promotes",
                        node("a", STANDBY_NOT_STREAMING), cluster().leader("a", 1).member("a", "replica", "streaming", 100, 0, List.of()),
                        Promote.class, "holding the lease as a standby: promoting"),
                row("the lease holder restarts a crashed primary in place",
                        node("a", STOPPED_PRIMARY).pgDownFor(100), ledBy("a"), StartPrimary.class, "PostgreSQL is down on the primary: restarting it in place"),
                row("the lease holder starts a stopped standby to promote it",
                        node("a", STOPPED_STANDBY).pgDownFor(100), ledBy("a"), StartStandby.class, "holding the lease: starting PostgreSQL to promote it")
                        .noUpstream(),
                row("the lease holder gives the lease up when PostgreSQL stays down",
                        node("a", STOPPED_PRIMARY).pgDownFor(limit), ledBy("a"), ReleaseLease.class, "did not come back within " + limit + " ms"),
                row("the lease holder gives the lease up when PostgreSQL stays starting",
                        node("a", STARTING_PRIMARY).pgDownFor(limit), ledBy("a"), ReleaseLease.class, "did not come back within " + limit + " ms"),
                row("a primary whose disk is full hands over to a synchronous standby with room",
                        node("a", PRIMARY_DISK_FULL), bStreamsWithRoom, KillAndRelease.class,
                        "the disk is full (data filesystem 8 of 300 MB free): stopping PostgreSQL and handing the lease to b"),
                row("a primary whose disk is full keeps the lease when the only candidate's disk is full too",
                        node("a", PRIMARY_DISK_FULL), bStreamsDiskFull, Lead.class, "healthy primary holding the lease"),
                row("a primary whose disk is full keeps the lease when no standby streams",
                        node("a", PRIMARY_DISK_FULL), ledBy("a"), Lead.class, "healthy primary holding the lease"),
                row("the lease holder kills a PostgreSQL that stopped answering, then gives the lease up",
                        node("a", HUNG_PRIMARY).notAnsweringFor(S.hungPostgresTimeout().toMillis()), ledBy("a"),
                        KillAndRelease.class, "killing it and handing the lease to a standby"),
                row("the lease holder gives a PostgreSQL that missed one answer a second chance",
                        node("a", HUNG_PRIMARY).notAnsweringFor(S.hungPostgresTimeout().toMillis() - 1), ledBy("a"),
                        Wait.class, "it is hung if the next query times out too"),
                row("the lease holder waits for a starting PostgreSQL until the restart timeout",
                        node("a", STARTING_PRIMARY).pgDownFor(limit - 1), ledBy("a"), Wait.class, "PostgreSQL is starting on the lease holder"),
                row("a lease left by this node's previous store session is taken over by the running primary, not trusted",
                        node("a", PRIMARY), cluster().lease(new Lease("a", 7, 42)).lastLeader("a", 7)
                                .member("a", "leader", "running", 100, 0, List.of()),
                        AcquireLease.class, "still belongs to its previous store session and this node still runs as the primary"),
                row("this node's own stale lease, PostgreSQL down: the election's rule for the last leader re-takes it",
                        node("a", STOPPED_PRIMARY), cluster().lease(new Lease("a", 7, 42)).lastLeader("a", 7)
                                .member("a", "leader", "running", 100, 0, List.of()),
                        AcquireLease.class, "this node held the lease last and nobody took it since"),
                row("a forged lease naming a standby outside the synchronous set does not promote it",
                        node("c", standbyAt(9000)), cluster().lease(new Lease("c", 11, 42)).lastLeader("a", 7)
                                .sync("a", 1, "b").standby("b", 4000, 7).standby("c", 9000, 7),
                        Wait.class, "not in the synchronous set"),
                row("a lease naming this standby whose token its last-leader record does not carry is not taken over",
                        node("c", standbyAt(9000)), cluster().lease(new Lease("c", 11, 42)).lastLeader("c", 7)
                                .sync("c", 1, "b").standby("b", 4000, 7),
                        Wait.class, "not in the synchronous set"),
                row("a forged lease naming a running primary that was not the last leader: it stops taking writes",
                        node("a", PRIMARY), cluster().lease(new Lease("a", 11, 42)).lastLeader("b", 9),
                        Fence.class, "a primary without the lease"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leaseHolderRows")
    void leaseHolder(Row row) {
        row.verify();
    }

    // ================================================================ another node leads

    static Stream<Row> followingALeaderRows() {
        long limit = S.standbyStreamTimeout().toMillis();
        View leaderOnTimeline2 = cluster().leader("b", 2)
                .with(new Member("b", "h", 1, "u", "leader", PgState.RUNNING, 2, 100, false, 0, List.of(), null, 0));
        return Stream.of(
                row("a standby cloned anew that still does not stream is stuck, and repeats nothing",
                        node("c", STANDBY_NOT_STREAMING).following("b").reclonedAlready().notStreamingFor(limit), ledBy("b"),
                        Stuck.class, "every remedy failed"),
                row("a primary that does not hold the lease is fenced",
                        node("a", PRIMARY), ledBy("b"), Fence.class, "b holds the lease: this node must not accept writes"),
                row("a starting former primary is fenced while another node leads",
                        node("a", STARTING_PRIMARY), ledBy("b"), Fence.class, "b holds the lease: this node must not accept writes"),
                row("a standby waits for a leader that has published nothing",
                        node("a", STOPPED_STANDBY), cluster().leader("b", 2), Wait.class, "leader b has published nothing yet: nothing to follow"),
                row("a starting standby waits for PostgreSQL",
                        node("c", STARTING_STANDBY).following("b"), ledBy("b"), Wait.class, "PostgreSQL is starting as a standby of b"),
                row("a standby follows a new leader",
                        node("c", STANDBY_STREAMING).following("a"), ledBy("b"), Follow.class, "following the new leader b").upstream("b"),
                row("a standby streaming from the leader waits",
                        node("c", STANDBY_STREAMING).following("b"), ledBy("b"), Wait.class, "streaming from b"),
                row("a standby not streaming waits for its WAL receiver until the stream timeout",
                        node("c", STANDBY_NOT_STREAMING).following("b").notStreamingFor(limit - 1), ledBy("b"),
                        Wait.class, "waiting for the WAL receiver to stream from b"),
                row("a standby not streaming for the stream timeout is rewound",
                        node("c", STANDBY_NOT_STREAMING).following("b").notStreamingFor(limit), ledBy("b"),
                        Rewind.class, "not streaming from b for " + limit + " ms").upstream("b"),
                row("a standby streaming on an older timeline than the leader is not healthy, and is rewound",
                        node("c", STANDBY_STREAMING).following("b").notStreamingFor(limit), leaderOnTimeline2,
                        Rewind.class, "not streaming from b for " + limit + " ms").upstream("b"),
                row("a stopped former primary is rewound before it follows",
                        node("a", STOPPED_PRIMARY), ledBy("b"), Rewind.class, "this node was a primary: rewinding it to follow b").upstream("b"),
                row("a stopped standby starts following the leader",
                        node("a", STOPPED_STANDBY), ledBy("b"), StartStandby.class, "starting as a standby of b").upstream("b"),
                row("a standby that cannot start on the leader's timeline is rewound",
                        node("a", STOPPED_STANDBY).withStartFailed(), ledBy("b"), Rewind.class, "cannot start as a standby of b").upstream("b"),
                row("a failed rewind moves the data aside and clones",
                        node("a", STOPPED_PRIMARY).withRewindFailed(), ledBy("b"), Reinit.class, "pg_rewind cannot bring this node back")
                        .upstream("b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("followingALeaderRows")
    void followingALeader(Row row) {
        row.verify();
    }

    // ================================================================ nobody leads: the election

    static Stream<Row> electionRows() {
        long max = S.maximumLagOnFailover();
        View leaderDied = cluster().lastLeader("a", 7).member("a", "leader", "running", 5000, 0, List.of()).dead("a")
                .standby("b", 4000, 7).standby("c", 5000, 7);
        View equal = cluster().lastLeader("a", 7).standby("b", 5000, 7).standby("c", 5000, 7);
        View bSilent = cluster().lastLeader("a", 7).member("b", "replica", "streaming", 3000, 0, List.of()).standby("c", 5000, 7);
        View formerA = cluster().lastLeader("a", 7).member("a", "leader", "running", 100, 7, List.of());
        View cStreamed = cluster().lastLeader("a", 7).member("c", "replica", "streaming", 5000, 0, List.of());
        View priorities = cluster().lastLeader("a", 7).with(standbyWithPriority("b", 5000, 1)).with(standbyWithPriority("c", 5000, 5));
        View priorityZero = cluster().lastLeader("a", 7).with(standbyWithPriority("c", 9000, 0)).with(standbyWithPriority("b", 5000, 1));
        return Stream.of(
                row("the most advanced standby takes the lease once every peer reported",
                        node("c", standbyAt(5000)).leaderlessFor(10), leaderDied, AcquireLease.class, "the most advanced healthy standby at 0/1388"),
                row("a less advanced standby waits for the better candidate",
                        node("b", standbyAt(4000)).leaderlessFor(10), leaderDied, Wait.class, "c is a better candidate (0/1388 against this node's 0/FA0)"),
                row("a node that gave the lease up because its PostgreSQL failed leaves the election to the others",
                        node("a", STOPPED_PRIMARY).abdicated().leaderlessFor(10), formerA, Wait.class,
                        "this node gave the lease up: leaving the election to the others"),
                row("after the grace a node that gave the lease up may take it back when nobody else did",
                        node("a", STOPPED_PRIMARY).abdicated().leaderlessFor(S.abdicationGrace().toMillis()), formerA,
                        AcquireLease.class, "this node held the lease last and nobody took it since"),
                row("at equal positions the lower name takes the lease",
                        node("b", standbyAt(5000)), equal, AcquireLease.class, "the most advanced healthy standby"),
                row("at equal positions the higher name waits",
                        node("c", standbyAt(5000)), equal, Wait.class, "b is a better candidate"),
                row("a candidate waits for a peer that has not reported since the lease vanished",
                        node("c", standbyAt(5000)).leaderlessFor(10), bSilent, Wait.class, "waiting for b to report its WAL position"),
                row("a candidate stops waiting for a silent peer after failover_wait",
                        node("c", standbyAt(5000)).leaderlessFor(S.failoverWait().toMillis()), bSilent,
                        AcquireLease.class, "the most advanced healthy standby"),
                row("a dead peer does not count, however advanced",
                        node("c", standbyAt(1000)), cluster().lastLeader("a", 7).standby("b", 9000, 0).dead("b").standby("c", 1000, 7),
                        AcquireLease.class, "the most advanced healthy standby"),
                row("a nofailover peer does not count, however advanced",
                        node("c", standbyAt(1000)), cluster().lastLeader("a", 7).standby("c", 1000, 7)
                                .with(new Member("d", "h", 1, "u", "replica", PgState.ARCHIVE_RECOVERY, 1, 9000, true, 7, List.of(), null, 0)),
                        AcquireLease.class, "the most advanced healthy standby"),
                row("a nofailover node never takes the lease",
                        node("c", standbyAt(1000)).withNofailover(), cluster().lastLeader("a", 7).standby("c", 1000, 7),
                        Wait.class, "this node may never be promoted"),
                row("a standby too far behind the last primary waits",
                        node("c", standbyAt(max)), cluster().lastLeader("a", 7).member("a", "leader", "running", 10 * max, 0, List.of()).dead("a")
                                .standby("c", max, 7),
                        Wait.class, "bytes behind the last primary a (maximum_lag_on_failover " + max + ")"),
                row("the former lease holder, still a primary, re-takes the lease nobody took",
                        node("a", PRIMARY), formerA, AcquireLease.class, "primary without a lease, and nobody took it since: re-taking it"),
                row("the former lease holder, stopped, re-takes the lease nobody took",
                        node("a", STOPPED_PRIMARY), formerA, AcquireLease.class, "this node held the lease last and nobody took it since"),
                row("a primary that was not the last lease holder is fenced",
                        node("a", PRIMARY), cluster().lastLeader("b", 9).member("a", "leader", "running", 100, 9, List.of()),
                        Fence.class, "a primary without the lease: stopping it"),
                row("a stopped standby without a leader starts to take part in the election",
                        node("b", STOPPED_STANDBY), cluster().lastLeader("a", 7), StartStandby.class, "no leader: starting as a standby")
                        .noUpstream(),
                row("a starting standby without a leader waits for PostgreSQL",
                        node("b", STARTING_STANDBY), cluster().lastLeader("a", 7), Wait.class, "PostgreSQL is starting; no leader"),
                row("when the lease vanishes a standby cuts itself off the old primary before the election",
                        node("c", STANDBY_STREAMING).following("a"), cStreamed, Detach.class, "the lease is gone: no longer streaming from"),
                row("a standby streaming without a known upstream also cuts itself off",
                        node("c", STANDBY_STREAMING), cStreamed, Detach.class, "the lease is gone: no longer streaming from"),
                row("a standby cut off the old primary takes part in the election",
                        node("c", standbyAt(5000)), cStreamed, AcquireLease.class, "the most advanced healthy standby"),
                row("at equal WAL the higher priority takes the lease",
                        node("c", standbyAt(5000)), priorities, AcquireLease.class, "the most advanced healthy standby"),
                row("at equal WAL the lower priority waits",
                        node("b", standbyAt(5000)), priorities, Wait.class, "c is a better candidate"),
                row("a more advanced priority-0 peer is skipped in the asynchronous election",
                        node("b", standbyAt(5000)), priorityZero, AcquireLease.class, "the most advanced healthy standby"),
                row("a priority-0 node never takes the lease",
                        node("c", standbyAt(9000)).withNofailover(), priorityZero, Wait.class, "this node may never be promoted"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("electionRows")
    void election(Row row) {
        row.verify();
    }

    // ================================================================ synchronous quorum (invariant 3)

    static Stream<Row> synchronousQuorumRows() {
        View onlyB = cluster().lastLeader("a", 7).sync("a", 1, "b").standby("b", 4000, 7).standby("c", 9000, 7);
        View anyOneOfTwo = cluster().lastLeader("a", 7).sync("a", 1, "b", "c").standby("b", 4000, 7).standby("c", 5000, 7);
        View bSilentAndDead = cluster().lastLeader("a", 7).sync("a", 1, "b", "c")
                .member("b", "replica", "streaming", 9000, 0, List.of()).dead("b").standby("c", 5000, 7);
        return Stream.of(
                row("a standby outside the recorded synchronous set is never promoted, however advanced",
                        node("c", standbyAt(9000)), onlyB, Wait.class, "not in the synchronous set [b]"),
                row("the member of the synchronous set is promoted though an outsider is more advanced",
                        node("b", standbyAt(4000)), onlyB, AcquireLease.class, "in the synchronous set and the most advanced of 1 reporting members"),
                row("with ANY 1 (b, c) both must report and the most advanced wins",
                        node("c", standbyAt(5000)), anyOneOfTwo, AcquireLease.class, "the most advanced of 2 reporting members at 0/1388"),
                row("with ANY 1 (b, c) the less advanced member waits",
                        node("b", standbyAt(4000)), anyOneOfTwo, Wait.class, "c (0/1388) is a better candidate than this node at 0/FA0"),
                row("synchronous mode never promotes on a timeout without the quorum",
                        node("c", standbyAt(5000)).leaderlessFor(60_000), bSilentAndDead,
                        Wait.class, "waiting until 2 members of the synchronous set [b, c] report their WAL position (1 have)"),
                row("an empty synchronous set falls back to the asynchronous rule",
                        node("c", standbyAt(5000)), cluster().lastLeader("a", 7).sync("a", 0).standby("c", 5000, 7),
                        AcquireLease.class, "the most advanced healthy standby"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("synchronousQuorumRows")
    void synchronousQuorum(Row row) {
        row.verify();
    }

    // ================================================================ planned switchover

    static View healthyTrio() {
        return cluster().leader("a", 7).sync("a", 1, "b", "c")
                .member("a", "leader", "running", 5000, 0, List.of("b", "c"))
                .member("b", "replica", "streaming", 5000, 0, List.of())
                .member("c", "replica", "streaming", 4990, 0, List.of());
    }

    static Stream<Row> plannedSwitchoverRows() {
        View bStreamsFromA = healthyTrio()
                .with(new Member("b", "127.0.0.1", 5432, "u", "replica", PgState.STREAMING, 1, 5000, false, 0, List.of(), "a", 0))
                .switchover("a", "b", 0, WALL);
        View aStopped = cluster().lastLeader("a", 7).sync("a", 1, "b", "c").switchover("a", "b", 5000, WALL)
                .standby("b", 5000, 7).standby("c", 9000, 7);
        View aStoppedLongAgo = cluster().lastLeader("a", 7).switchover("a", "b", 5000, LONG_AGO);
        return Stream.of(
                row("the leader hands over to a fit candidate",
                        node("a", PRIMARY), bStreamsFromA, HandOver.class, "switchover: handing the lease to b").candidate("b"),
                row("the leader postpones a hand-over to an unfit candidate and says why",
                        node("a", PRIMARY), healthyTrio().switchover("a", "c", 0, WALL),
                        Lead.class, "switchover to c postponed: c: not streaming from a"),
                row("the leader abandons a switchover that did not happen in time",
                        node("a", PRIMARY), healthyTrio().switchover("a", "b", 0, LONG_AGO), AbandonSwitchover.class, "switchover to b abandoned"),
                row("the candidate waits until it has received the old primary's last WAL",
                        node("b", standbyAt(5000)), aStopped, Wait.class, "switchover: waiting to receive a's WAL past 0/1388"),
                row("the candidate takes the lease once it is past the old primary's last WAL",
                        node("b", standbyAt(5040)), aStopped, AcquireLease.class, "switchover: this node has received all of a's WAL (past 0/1388)"),
                row("another standby waits during the hand-over, however advanced",
                        node("c", standbyAt(9000)), aStopped, Wait.class, "switchover from a to b in progress"),
                row("the old primary starts as a standby during the hand-over",
                        node("a", STOPPED_STANDBY), cluster().lastLeader("a", 7).switchover("a", "b", 5000, WALL),
                        StartStandby.class, "switchover from a to b in progress").noUpstream(),
                row("the old primary takes the lease back if the hand-over never finishes",
                        node("a", standbyAt(5040)), aStoppedLongAgo, AcquireLease.class, "the switchover to b did not finish: taking the lease back"),
                row("once an unfinished hand-over expired the candidate joins the normal election",
                        node("b", standbyAt(5040)), aStoppedLongAgo, AcquireLease.class, "the most advanced healthy standby"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plannedSwitchoverRows")
    void plannedSwitchover(Row row) {
        row.verify();
    }

    @Test
    void switchoverCheckNamesWhatEachMemberLacks() {
        View v = healthyTrio().dead("b");
        var r = SwitchoverCheck.check(v.build(), null, null, S);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).containsExactly("b: its agent is down", "c: not streaming from a (state: streaming)");
        assertThat(SwitchoverCheck.check(v.build(), "x", null, S).problems()).containsExactly("x is not the leader; a is");
    }

    // ================================================================ maintenance mode

    static Stream<Row> maintenanceModeRows() {
        return Stream.of(
                row("a paused cluster promotes nobody",
                        node("b", standbyAt(5000)), cluster().lastLeader("a", 7).standby("b", 5000, 7).paused(),
                        Wait.class, "paused: reporting only"),
                row("a paused cluster does not restart a crashed primary",
                        node("a", STOPPED_PRIMARY).pgDownFor(100), ledBy("a").paused(), Wait.class, "paused: reporting only"),
                row("a paused cluster does not rewind a stopped former primary",
                        node("a", STOPPED_PRIMARY), ledBy("b").paused(), Wait.class, "paused: reporting only"),
                row("a healthy primary holding the lease leads on in a paused cluster",
                        node("a", PRIMARY), ledBy("a").paused(), Lead.class, "paused: leading, but acting on no failure"),
                row("a paused primary still fences when it loses the store",
                        node("a", PRIMARY).store(SESSION_LOST), cluster().paused(), Fence.class, "lost the store connection"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maintenanceModeRows")
    void maintenanceMode(Row row) {
        row.verify();
    }

    // ================================================================ store format

    static final String NEWER = "the store was written by pgha 0.2.0 with format 2; this pgha understands up to 1:"
            + " install pgha 0.2.0 or newer on this node";

    static Stream<Row> storeFormatRows() {
        return Stream.of(
                row("a primary holding the lease in a store of a newer format leads no further and stays up",
                        node("a", PRIMARY), ledBy("a").format(2, "0.2.0"), IncompatibleStore.class, NEWER),
                row("a standby in a store of a newer format follows no new leader",
                        node("b", STANDBY_STREAMING).following("c"), ledBy("a").format(2, "0.2.0"), IncompatibleStore.class, NEWER),
                row("a standby in a store of a newer format takes no part in an election",
                        node("b", standbyAt(5000)), cluster().lastLeader("a", 7).standby("b", 5000, 7).format(2, "0.2.0"),
                        IncompatibleStore.class, NEWER),
                row("a node without data does not clone from a store of a newer format",
                        node("b", NO_DATA), ledBy("a").format(2, "0.2.0"), IncompatibleStore.class, NEWER),
                row("a crashed primary is not restarted in a store of a newer format",
                        node("a", STOPPED_PRIMARY).pgDownFor(100), ledBy("a").format(2, "0.2.0"), IncompatibleStore.class, NEWER),
                row("a primary in a store of a newer format still fences when it loses the store",
                        node("a", PRIMARY).store(SESSION_LOST), cluster().format(2, "0.2.0"), Fence.class,
                        "lost the store connection"),
                row("a store of this pgha's format is acted on",
                        node("a", PRIMARY), ledBy("a").format(StoreFormat.CURRENT, "0.1.0"), Lead.class, "healthy primary"),
                row("a store without a format key (written before formats) reads as format 1 and is acted on",
                        node("b", STANDBY_STREAMING).following("c"), ledBy("a"), Follow.class, "following the new leader a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storeFormatRows")
    void storeFormat(Row row) {
        row.verify();
    }

    // ================================================================ manual failover

    /** b is chosen; the recorded set ANY 1 (b, c) has no quorum, since c is down and never reported. */
    static View failoverToB() {
        return cluster().lastLeader("a", 7).sync("a", 1, "b", "c").standby("b", 4000, 7)
                .member("c", "replica", "streaming", 5000, 0, List.of()).dead("c").failover("b", WALL);
    }

    static Stream<Row> manualFailoverRows() {
        View cAlive = failoverToB();
        cAlive.alive.add("c");
        return Stream.of(
                row("a manual failover promotes the chosen standby even without the quorum",
                        node("b", standbyAt(4000)), failoverToB(), AcquireLease.class, "manual failover: the operator chose this node"),
                row("during a manual failover the other standbys wait",
                        node("c", standbyAt(5000)), cAlive, Wait.class, "manual failover to b in progress"),
                row("a stopped chosen standby starts PostgreSQL to be promoted",
                        node("b", STOPPED_STANDBY), failoverToB(), StartStandby.class, "manual failover: starting PostgreSQL to promote it")
                        .noUpstream(),
                row("a starting chosen standby waits for PostgreSQL to accept connections",
                        node("b", STARTING_STANDBY), failoverToB(), Wait.class, "manual failover: waiting for PostgreSQL to accept connections"),
                row("a manual failover is carried out in a paused cluster too",
                        node("b", standbyAt(4000)), failoverToB().paused(), AcquireLease.class, "manual failover: the operator chose this node"),
                row("an expired manual failover no longer holds the other standbys back",
                        node("c", standbyAt(5000)), cluster().lastLeader("a", 7).standby("c", 5000, 7).failover("b", LONG_AGO),
                        AcquireLease.class, "the most advanced healthy standby"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manualFailoverRows")
    void manualFailover(Row row) {
        row.verify();
    }

    // ================================================================ operator orders

    static Stream<Row> operatorOrderRows() {
        return Stream.of(
                row("a restore order moves the old primary's data aside once the cluster is forgotten",
                        node("a", PRIMARY), ledBy("a").restore("time", "2026-11-30 15:00:00+00").uninitialized(null),
                        MoveAsideForRestore.class, "a restore (time 2026-11-30 15:00:00+00) was ordered"),
                row("a restore order moves a standby's data aside once the cluster is forgotten",
                        node("b", STANDBY_STREAMING).following("a"), ledBy("a").restore("latest", null).uninitialized(null),
                        MoveAsideForRestore.class, "one member restores, the others clone it"),
                row("a restore order on a cluster still initialized changes nothing yet",
                        node("a", PRIMARY), ledBy("a").restore("latest", null), Lead.class, "healthy primary"),
                row("a restore order: a member without data bootstraps it (by restoring)",
                        node("a", NO_DATA), cluster().restore("latest", null).uninitialized(null), Bootstrap.class,
                        "this node bootstraps it"),
                row("a reinit order rebuilds the standby from the leader",
                        node("a", STANDBY_STREAMING).following("b"), ledBy("b").reinit("a"),
                        Reinit.class, "the operator asked to rebuild this node").upstream("b"),
                row("a restart order restarts the primary in its role",
                        node("a", PRIMARY), ledBy("a").restart("a"), Restart.class, "restart PostgreSQL on this primary").noUpstream(),
                row("a restart order restarts a standby in its role",
                        node("a", STANDBY_STREAMING).following("b"), ledBy("b").restart("a"),
                        Restart.class, "restart PostgreSQL on this standby").upstream("b"),
                row("a restart order for a stopped standby just starts it",
                        node("a", STOPPED_STANDBY), ledBy("b").restart("a"), StartStandby.class, "starting as a standby of b").upstream("b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operatorOrderRows")
    void operatorOrders(Row row) {
        row.verify();
    }
}
