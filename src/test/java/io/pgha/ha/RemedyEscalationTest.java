package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.dcs.StoreHealth;
import io.pgha.postgres.PgState;
import io.pgha.postgres.PgStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A remedy that failed is not repeated: the same failure after it leads to the next remedy (issue: a standby looping on pg_rewind). */
class RemedyEscalationTest {
    static final HaSettings S = HaSettings.defaults();
    static final long NOW = 1_000_000_000_000L;
    static final long TIMEOUT_NANOS = S.standbyStreamTimeout().toNanos();

    static final PgStatus NOT_STREAMING = new PgStatus(true, true, true, true, 1, 5000, false, null, 0, true, List.of(),
            List.of(), List.of(), 0);
    static final PgStatus STOPPED_STANDBY = new PgStatus(true, false, false, true, 1, 0, false, null, 0, true, List.of(),
            List.of(), List.of(), 0);

    static final ClusterSnapshot LED_BY_A = new ClusterSnapshot("1", null, new Lease("a", 3, 99), new Lease("a", 3, 99),
            Map.of("a", new Member("a", "10.0.0.1", 5432, "http://a", Member.LEADER, PgState.RUNNING, 1, 9000, false, 0,
                    List.of("b"), null, 0)),
            Set.of("a", "b"), null, null, false, null, Set.of(), Map.of());

    record Row(String situation, PgStatus pg, LoopMemory memory, Class<? extends Decision> expected, String reason,
               boolean reinitOrdered) {
        Row(String situation, PgStatus pg, LoopMemory memory, Class<? extends Decision> expected, String reason) {
            this(situation, pg, memory, expected, reason, false);
        }

        @Override
        public String toString() {
            return situation;
        }
    }

    static final LoopMemory NOT_STREAMING_TOO_LONG = LoopMemory.START.withNotStreamingSince(NOW - TIMEOUT_NANOS);

    static Stream<Row> rows() {
        return Stream.of(
                new Row("not streaming for the timeout, no rewind yet: rewind", NOT_STREAMING, NOT_STREAMING_TOO_LONG,
                        Decision.Rewind.class, "the timelines may have diverged"),
                new Row("not streaming for the timeout again after a rewind that ran: re-clone, not a second rewind",
                        NOT_STREAMING, NOT_STREAMING_TOO_LONG.rewound(true).withNotStreamingSince(NOW - TIMEOUT_NANOS),
                        Decision.Reinit.class, "still not streaming from a after pg_rewind"),
                new Row("after a rewind, not streaming yet but within the timeout: wait", NOT_STREAMING,
                        NOT_STREAMING_TOO_LONG.rewound(true).withNotStreamingSince(NOW - TIMEOUT_NANOS + 1_000_000),
                        Decision.Wait.class, "waiting for the WAL receiver"),
                new Row("rewind impossible: re-clone", STOPPED_STANDBY, LoopMemory.START.rewound(false),
                        Decision.Reinit.class, "pg_rewind cannot bring this node back"),
                new Row("cannot start as a standby: rewind", STOPPED_STANDBY, LoopMemory.START.standbyStartFailed(true),
                        Decision.Rewind.class, "cannot start as a standby of a"),
                new Row("cannot start as a standby even after a rewind: re-clone", STOPPED_STANDBY,
                        LoopMemory.START.rewound(true).standbyStartFailed(true), Decision.Reinit.class, "even after pg_rewind"),
                new Row("not streaming for the timeout after a re-clone: stuck, no second re-clone", NOT_STREAMING,
                        LoopMemory.START.rewound(true).movedAside().withNotStreamingSince(NOW - TIMEOUT_NANOS),
                        Decision.Stuck.class, "cloned anew from a and still not streaming"),
                new Row("cannot start as a standby after a re-clone: stuck", STOPPED_STANDBY,
                        LoopMemory.START.movedAside().standbyStartFailed(true), Decision.Stuck.class,
                        "still cannot start as its standby"),
                new Row("a clone failed twice: try a third time", PgStatus.noData(),
                        LoopMemory.START.cloneFailed(NOW - 1_000_000).cloneFailed(NOW), Decision.Clone.class, "attempt 3"),
                new Row("a clone failed three times in a row: stuck, tried again only after the retry interval",
                        PgStatus.noData(), LoopMemory.START.cloneFailed(NOW).cloneFailed(NOW).cloneFailed(NOW),
                        Decision.Stuck.class, "cloning a failed 3 times in a row"),
                new Row("the retry interval after three failed clones has passed: clone again", PgStatus.noData(),
                        LoopMemory.START.cloneFailed(0).cloneFailed(0).cloneFailed(NOW - S.cloneRetryInterval().toNanos()),
                        Decision.Clone.class, "attempt 4"),
                new Row("an operator's reinit order is obeyed even when stuck", NOT_STREAMING,
                        LoopMemory.START.movedAside().withNotStreamingSince(NOW - TIMEOUT_NANOS), Decision.Reinit.class,
                        "the operator asked to rebuild this node", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theNextRemedy(Row row) {
        Observation o = new Observation("b", row.pg(), "a", StoreHealth.ok(), NOW, 0, 7, false, row.memory());
        ClusterSnapshot view = !row.reinitOrdered() ? LED_BY_A : new ClusterSnapshot("1", null, LED_BY_A.leader(),
                LED_BY_A.lastLeader(), LED_BY_A.members(), LED_BY_A.alive(), null, null, false, null, Set.of("b"), Map.of());
        Decision d = Decider.decide(o, view, S);
        assertThat(d).isInstanceOf(row.expected());
        assertThat(d.reason()).contains(row.reason());
    }

    @org.junit.jupiter.api.Test
    void streamingOnceMakesARewindWorthTryingAgain() {
        PgStatus streaming = new PgStatus(true, true, true, true, 1, 5000, true, null, 0, true, List.of(), List.of(),
                List.of(), 0);
        LoopMemory rewound = LoopMemory.START.rewound(true);
        assertThat(rewound.observed("b", 7, NOT_STREAMING, LED_BY_A, NOW).rewoundWithoutStreaming()).isTrue();
        assertThat(rewound.observed("b", 7, streaming, LED_BY_A, NOW).rewoundWithoutStreaming()).isFalse();
        assertThat(rewound.movedAside().rewoundWithoutStreaming()).isFalse();
        LoopMemory failedClones = LoopMemory.START.cloneFailed(NOW).cloneFailed(NOW);
        assertThat(failedClones.observed("b", 7, PgStatus.noData(), LED_BY_A, NOW).cloneFailures()).isEqualTo(2);
        assertThat(failedClones.observed("b", 7, NOT_STREAMING, LED_BY_A, NOW).cloneFailures()).as("it has data now").isZero();
        LoopMemory recloned = LoopMemory.START.movedAside();
        assertThat(recloned.observed("b", 7, NOT_STREAMING, LED_BY_A, NOW).reclonedWithoutStreaming()).isTrue();
        assertThat(recloned.observed("b", 7, streaming, LED_BY_A, NOW).reclonedWithoutStreaming()).isFalse();
    }
}
