package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.HaSettings;
import io.pgha.dcs.SyncState;
import io.pgha.postgres.SyncNames;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncPlannerTest {
    static final HaSettings S = HaSettings.defaults();

    /** Runs the planner to its fixed point, checking after every step that the record covers PostgreSQL's set. */
    static List<Object> walk(SyncState recorded, SyncNames pg, List<String> streaming, HaSettings s) {
        List<Object> steps = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            var step = SyncPlanner.next("a", recorded, pg, streaming, s);
            if (step instanceof SyncPlanner.Step.None) return steps;
            steps.add(step);
            if (step instanceof SyncPlanner.Step.WriteStore w) recorded = w.state();
            if (step instanceof SyncPlanner.Step.WritePostgres w) pg = w.names();
            assertThat(recorded.members()).as("record covers PostgreSQL's set after %s", step)
                    .containsAll(pg.members().stream().filter(m -> !m.equals("a")).toList());
        }
        throw new AssertionError("no fixed point: " + steps);
    }

    @Test
    void addingAStandbyWritesTheStoreFirst() {
        var first = SyncPlanner.next("a", new SyncState("a", List.of("b"), 1), new SyncNames(1, List.of("b")), List.of("b", "c"), S);
        assertThat(first).isEqualTo(new SyncPlanner.Step.WriteStore(new SyncState("a", List.of("b", "c"), 1)));
        var second = SyncPlanner.next("a", new SyncState("a", List.of("b", "c"), 1), new SyncNames(1, List.of("b")), List.of("b", "c"), S);
        assertThat(second).isEqualTo(new SyncPlanner.Step.WritePostgres(new SyncNames(1, List.of("b", "c"))));
    }

    @Test
    void removingAStandbyChangesPostgresFirst() {
        var first = SyncPlanner.next("a", new SyncState("a", List.of("b", "c"), 1), new SyncNames(1, List.of("b", "c")), List.of("c"), S);
        assertThat(first).isEqualTo(new SyncPlanner.Step.WritePostgres(new SyncNames(1, List.of("c"))));
        var second = SyncPlanner.next("a", new SyncState("a", List.of("b", "c"), 1), new SyncNames(1, List.of("c")), List.of("c"), S);
        assertThat(second).isEqualTo(new SyncPlanner.Step.WriteStore(new SyncState("a", List.of("c"), 1)));
    }

    @Test
    void aNewLeaderFirstClaimsTheRecordWithoutDroppingAnyone() {
        var steps = walk(new SyncState("old", List.of("a", "b"), 1), new SyncNames(1, List.of("a", "b")), List.of("c"), S);
        assertThat(steps.get(0)).isEqualTo(new SyncPlanner.Step.WriteStore(new SyncState("a", List.of("b", "c"), 1)));
        assertThat(steps).last().isEqualTo(new SyncPlanner.Step.WriteStore(new SyncState("a", List.of("c"), 1)));
    }

    @Test
    void withoutStandbysTheNonStrictPrimaryGoesOnUnprotected() {
        var steps = walk(new SyncState("a", List.of("b"), 1), new SyncNames(1, List.of("b")), List.of(), S);
        assertThat(steps).containsExactly(new SyncPlanner.Step.WritePostgres(SyncNames.NONE),
                new SyncPlanner.Step.WriteStore(new SyncState("a", List.of(), 0)));
    }

    @Test
    void strictModeKeepsWaitingForTheStandbyThatLeft() {
        var steps = walk(new SyncState("a", List.of("b"), 1), new SyncNames(1, List.of("b")), List.of(), S.withSynchronous(true, true));
        assertThat(steps).isEmpty();
    }

    @Test
    void offModeClearsEverything() {
        var steps = walk(new SyncState("a", List.of("b"), 1), new SyncNames(1, List.of("b")), List.of("b"), S.withSynchronous(false, false));
        assertThat(steps).containsExactly(new SyncPlanner.Step.WritePostgres(SyncNames.NONE),
                new SyncPlanner.Step.WriteStore(new SyncState("a", List.of(), 0)));
    }

    @Test
    void syncNamesRoundTrip() {
        SyncNames n = new SyncNames(1, List.of("node2", "node3"));
        assertThat(n.format()).isEqualTo("ANY 1 (\"node2\",\"node3\")");
        assertThat(SyncNames.parse(n.format())).isEqualTo(n);
        assertThat(SyncNames.parse("")).isEqualTo(SyncNames.NONE);
        assertThat(SyncNames.parse("node2, node3").members()).containsExactly("node2", "node3");
    }

    @Test
    void standbysWhoseAgentsLiveComeFirstAndWithNoneThoseStillStreamingStaySynchronous() {
        assertThat(SyncPlanner.eligible(List.of("b", "c"), List.of("b"))).containsExactly("b");
        assertThat(SyncPlanner.eligible(List.of("b", "c"), List.of())).as("both agents dead, both still streaming")
                .containsExactly("b", "c");
        assertThat(SyncPlanner.eligible(List.of(), List.of())).isEmpty();
    }
}
