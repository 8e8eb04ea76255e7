package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PgStatusTest {
    @Test
    void labelsAreThePublishedStatesAndReadBack() {
        assertThat(PgState.values()).extracting(PgState::label).containsExactly(
                "no data", "stopped", "starting", "not answering", "running", "streaming", "in archive recovery", "unknown");
        for (PgState s : PgState.values()) assertThat(PgState.fromLabel(s.label())).isSameAs(s);
        assertThat(PgState.fromLabel("rewinding")).isSameAs(PgState.UNKNOWN);
        assertThat(PgState.fromLabel(null)).isSameAs(PgState.UNKNOWN);
    }

    @Test
    void anEmptyBuilderIsNoData() {
        assertThat(PgStatus.builder().build()).isEqualTo(
                new PgStatus(false, false, false, false, 0, 0, false, null, 0, false, List.of(), List.of(), List.of(), 0));
        assertThat(PgStatus.noData().state()).isSameAs(PgState.NO_DATA);
    }

    @Test
    void aStartedServerThatDoesNotAnswerIsNotAnsweringNotStarting() {
        PgStatus running = PgStatus.builder().hasData(true).running(true).build();
        assertThat(running.state()).isSameAs(PgState.STARTING);
        assertThat(running.toBuilder().notAnswering(true).build().state()).isSameAs(PgState.NOT_ANSWERING);
        assertThat(running.toBuilder().notAnswering(true).build().isPrimary()).isFalse();
    }

    @Test
    void theBuilderSetsEveryFieldByName() {
        PgStatus s = PgStatus.builder().hasData(true).running(true).accepting(true).inRecovery(true).timeline(3)
                .lsn(0x16B374D848L).streaming(true).upstream("10.0.0.1", 5432).standbySignal(true)
                .slots(List.of("node2")).streamingStandbys(List.of("node3")).sync(new SyncNames(1, List.of("node3")))
                .pendingRestart(true).walReceiverRunning(true).build();
        assertThat(s).isEqualTo(new PgStatus(true, true, true, true, 3, 0x16B374D848L, true, "10.0.0.1", 5432, true,
                List.of("node2"), List.of("node3"), List.of("node3"), 1, true, true, false));
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(s.toBuilder().streaming(false).build().timeline()).isEqualTo(3);
    }

    @Test
    void stateFollowsTheFlagsInOrder() {
        PgStatus.Builder b = PgStatus.builder().hasData(true);
        assertThat(b.build().state()).isSameAs(PgState.STOPPED);
        assertThat(b.running(true).build().state()).isSameAs(PgState.STARTING);
        assertThat(b.accepting(true).build().state()).isSameAs(PgState.RUNNING);
        assertThat(b.inRecovery(true).build().state()).isSameAs(PgState.ARCHIVE_RECOVERY);
        assertThat(b.streaming(true).build().state()).isSameAs(PgState.STREAMING);
        assertThat(b.build().describe()).isEqualTo("streaming");
    }
}
