package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.postgres.PgState;
import io.pgha.postgres.PgStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When each timer the rules count on starts, keeps its start, and resets. */
class LoopMemoryTest {
    static final long T0 = 5_000_000_000L;
    static final long T1 = T0 + 700_000_000L;
    static final long SESSION = 42;

    static PgStatus pg(boolean running, boolean accepting, boolean recovery, boolean streaming, long timeline) {
        return new PgStatus(true, running, accepting, recovery, timeline, 100, streaming, null, 0, recovery, List.of(),
                List.of(), List.of(), 0);
    }

    static final PgStatus PRIMARY = pg(true, true, false, false, 2);
    static final PgStatus DOWN = pg(false, false, false, false, 0);
    static final PgStatus STREAMING = pg(true, true, true, true, 2);
    static final PgStatus NOT_STREAMING = pg(true, true, true, false, 2);
    static final PgStatus STREAMING_OLD_TIMELINE = pg(true, true, true, true, 1);

    static ClusterSnapshot led(String holder, long session) {
        Member leader = new Member(holder, "10.0.0.1", 5432, "http://x", Member.LEADER, PgState.RUNNING, 2, 100, false, 0,
                List.of(), null, 0);
        return new ClusterSnapshot("1", null, new Lease(holder, 3, session), new Lease(holder, 3, session),
                Map.of(holder, leader), Set.of(holder), null, null, false, null, Set.of(), Map.of());
    }

    static final ClusterSnapshot LEADERLESS = new ClusterSnapshot("1", null, null, new Lease("a", 7), Map.of(), Set.of(),
            null, null, false, null, Set.of(), Map.of());

    @Test
    void pgDownStartsWhenTheLeaseHoldersPostgresIsSeenDownAndKeepsItsStart() {
        LoopMemory m = LoopMemory.START.observed("a", SESSION, DOWN, led("a", SESSION), T0);
        assertThat(m.pgDownSinceNanos()).isEqualTo(T0);
        assertThat(m.observed("a", SESSION, DOWN, led("a", SESSION), T1).pgDownSinceNanos()).isEqualTo(T0);
        assertThat(m.observed("a", SESSION, PRIMARY, led("a", SESSION), T1).pgDownSinceNanos()).isZero();
    }

    @Test
    void pgDownIsNotCountedForALeaseOfAnotherSession() {
        assertThat(LoopMemory.START.observed("a", SESSION, DOWN, led("a", SESSION + 1), T0).pgDownSinceNanos()).isZero();
    }

    static PgStatus notStreamingAt(long lsn) {
        return new PgStatus(true, true, true, true, 2, lsn, false, null, 0, true, List.of(), List.of(), List.of(), 0);
    }

    @Test
    void aStandbyReplayingFromTheArchiveIsNotCountedAsStalledUntilItsPositionStops() {
        long t2 = T1 + 700_000_000L;
        LoopMemory m = LoopMemory.START.observed("b", SESSION, notStreamingAt(100), led("a", 9), T0);
        assertThat(m.notStreamingSinceNanos()).isEqualTo(T0);
        m = m.observed("b", SESSION, notStreamingAt(5_000), led("a", 9), T1);
        assertThat(m.notStreamingSinceNanos()).as("position moved: replaying from the archive").isZero();
        m = m.observed("b", SESSION, notStreamingAt(5_000), led("a", 9), t2);
        assertThat(m.notStreamingSinceNanos()).as("position stopped: the wait starts").isEqualTo(t2);
    }

    @Test
    void notStreamingCountsOnlyForARunningStandbyOfAKnownLeader() {
        LoopMemory m = LoopMemory.START.observed("b", SESSION, NOT_STREAMING, led("a", 9), T0);
        assertThat(m.notStreamingSinceNanos()).isEqualTo(T0);
        assertThat(m.observed("b", SESSION, NOT_STREAMING, led("a", 9), T1).notStreamingSinceNanos()).isEqualTo(T0);
        assertThat(m.observed("b", SESSION, STREAMING, led("a", 9), T1).notStreamingSinceNanos()).isZero();
        assertThat(m.observed("b", SESSION, DOWN, led("a", 9), T1).notStreamingSinceNanos()).as("stopped").isZero();
        assertThat(m.observed("b", SESSION, NOT_STREAMING, LEADERLESS, T1).notStreamingSinceNanos()).as("no leader").isZero();
    }

    @Test
    void streamingOnAnOlderTimelineThanTheLeaderCountsAsNotStreaming() {
        LoopMemory m = LoopMemory.START.observed("b", SESSION, STREAMING_OLD_TIMELINE, led("a", 9), T0);
        assertThat(m.notStreamingSinceNanos()).isEqualTo(T0);
    }

    @Test
    void leaderlessStartsWhenTheLeaseIsSeenEmptyAndAFailedReadEndsIt() {
        LoopMemory m = LoopMemory.START.observed("b", SESSION, STREAMING, LEADERLESS, T0);
        assertThat(m.leaderlessSinceNanos()).isEqualTo(T0);
        assertThat(m.observed("b", SESSION, STREAMING, LEADERLESS, T1).leaderlessSinceNanos()).isEqualTo(T0);
        assertThat(m.observed("b", SESSION, STREAMING, null, T1).leaderlessSinceNanos()).as("store not read").isZero();
        assertThat(m.observed("b", SESSION, STREAMING, led("a", 9), T1).leaderlessSinceNanos()).isZero();
    }

    @Test
    void aFailedStandbyStartIsForgottenOncePostgresRuns() {
        LoopMemory failed = LoopMemory.START.standbyStartFailed(true);
        assertThat(failed.observed("b", SESSION, DOWN, led("a", 9), T0).standbyStartFailed()).isTrue();
        assertThat(failed.observed("b", SESSION, STREAMING, led("a", 9), T0).standbyStartFailed()).isFalse();
        assertThat(LoopMemory.START.standbyStartFailed(false).standbyStartFailed()).as("recovery-only start").isFalse();
    }

    @Test
    void remediesLeaveTheirMark() {
        LoopMemory waiting = LoopMemory.START.observed("b", SESSION, NOT_STREAMING, led("a", 9), T0);
        assertThat(waiting.followed().notStreamingSinceNanos()).isZero();
        LoopMemory failedRewind = waiting.standbyStartFailed(true).rewound(false);
        assertThat(failedRewind.rewindFailed()).isTrue();
        assertThat(failedRewind.standbyStartFailed()).isFalse();
        assertThat(failedRewind.notStreamingSinceNanos()).isZero();
        assertThat(failedRewind.movedAside().rewindFailed()).isFalse();
        assertThat(failedRewind.rewound(true).rewindFailed()).isFalse();
    }
}
