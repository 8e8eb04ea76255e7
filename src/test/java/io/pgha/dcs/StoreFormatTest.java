package io.pgha.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.postgres.PgState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The format rules: what a store without the key means, when the leader records the format, what a refusal says. */
class StoreFormatTest {
    static Member member(String name, int understands) {
        return new Member(name, "h", 5432, "u", Member.REPLICA, PgState.STREAMING, 1, 0, false, 0, List.of(), null, 0,
                false, 1, null, false, understands);
    }

    @Test
    void aStoreWithoutTheKeyWasWrittenBeforeFormatsAndIsFormatOne() {
        ClusterSnapshot old = new ClusterSnapshot("1", null, null, null, Map.of(), Set.of(), null);
        assertThat(old.format()).isNull();
        assertThat(old.storeFormat().format()).isEqualTo(1);
        assertThat(old.storeFormat().tooNew()).isFalse();
    }

    @Test
    void aMemberRecordFromBeforeFormatsUnderstandsFormatOne() throws Exception {
        String before = "{\"name\":\"b\",\"host\":\"h\",\"port\":5432,\"role\":\"replica\",\"state\":\"streaming\"}";
        Member m = StoreCodec.decode(before.getBytes(StandardCharsets.UTF_8), Member.class, "/pgha/x/members/b");
        assertThat(m.storeFormat()).isZero();
        assertThat(StoreFormat.understoodBy(m)).isEqualTo(1);
    }

    @Test
    void theLeaderRecordsTheFormatInAStoreFromBeforeFormatsEvenWithOldAgentsAround() {
        // format 1 is the layout they wrote: recording it changes nothing they read
        assertThat(StoreFormat.shouldRecordCurrent(null, List.of(member("a", StoreFormat.CURRENT), member("b", 0)))).isTrue();
        assertThat(StoreFormat.shouldRecordCurrent(StoreFormat.current(), List.of(member("a", StoreFormat.CURRENT)))).isFalse();
        assertThat(StoreFormat.shouldRecordCurrent(new StoreFormat(StoreFormat.CURRENT + 1, "9.9.9"), List.of())).isFalse();
    }

    @Test
    void theLeaderRaisesAFormatOnlyOnceEveryMemberUnderstandsIt() {
        // a future format 2 over a store of format 1: the upgrade is complete only when the last agent says it reads 2
        StoreFormat one = new StoreFormat(1, "0.1.0");
        assertThat(StoreFormat.shouldRecord(2, one, List.of(member("a", 2), member("b", 1))))
                .as("b's agent would refuse format 2").isFalse();
        assertThat(StoreFormat.shouldRecord(2, one, List.of(member("a", 2), member("b", 0))))
                .as("b's agent is from before formats").isFalse();
        assertThat(StoreFormat.shouldRecord(2, one, List.of(member("a", 2), member("b", 3)))).isTrue();
        assertThat(StoreFormat.shouldRecord(2, new StoreFormat(2, "0.2.0"), List.of(member("a", 2)))).isFalse();
    }

    @Test
    void aRefusalNamesTheVersionToInstall() {
        StoreFormat newer = new StoreFormat(StoreFormat.CURRENT + 1, "0.2.0");
        assertThat(newer.tooNew()).isTrue();
        assertThat(newer.refusal()).isEqualTo("the store was written by pgha 0.2.0 with format " + (StoreFormat.CURRENT + 1)
                + "; this pgha understands up to " + StoreFormat.CURRENT + ": install pgha 0.2.0 or newer on this node");
        assertThat(StoreFormat.current().tooNew()).isFalse();
    }
}
