package io.pgha.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchiveContinuityTest {
    static final long SEG = ArchiveContinuity.DEFAULT_SEGMENT_BYTES;

    @Test
    void aCompleteSingleTimelineArchiveHasNoGap() {
        Set<String> archived = Set.of("000000010000000000000002", "000000010000000000000003", "000000010000000000000004");
        assertThat(ArchiveContinuity.gaps("000000010000000000000002", "000000010000000000000004", archived, List.of(), SEG)).isEmpty();
    }

    @Test
    void missingSegmentsAreReportedAsRanges() {
        Set<String> archived = Set.of("0000000100000000000000FE", "000000010000000100000002", "000000010000000100000004");
        var gaps = ArchiveContinuity.gaps("0000000100000000000000FE", "000000010000000100000004", archived, List.of(), SEG);
        assertThat(gaps).extracting(Object::toString).containsExactly(
                "missing WAL segments 0000000100000000000000FF to 000000010000000100000001",
                "missing WAL segment 000000010000000100000003");
    }

    @Test
    void acrossTimelineSwitchesTheSegmentsComeFromTheChildFromTheForkOn() {
        String history = "1\t0/4000060\tno recovery target specified\n\n2\t0/6000000\tno recovery target specified\n";
        var forks = ArchiveContinuity.parseHistory(history);
        assertThat(forks).containsExactly(new ArchiveContinuity.Fork(1, 0x4000060L), new ArchiveContinuity.Fork(2, 0x6000000L));
        // timeline 1's segment 4 is partial (the old primary died in it): timeline 2 starts with its own copy
        Set<String> archived = Set.of("000000010000000000000002", "000000010000000000000003", "000000020000000000000004",
                "000000020000000000000005", "000000030000000000000006", "000000030000000000000007");
        assertThat(ArchiveContinuity.gaps("000000010000000000000002", "000000030000000000000007", archived, forks, SEG)).isEmpty();
        Set<String> withoutNewCopy = Set.of("000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000020000000000000005", "000000030000000000000006", "000000030000000000000007");
        assertThat(ArchiveContinuity.gaps("000000010000000000000002", "000000030000000000000007", withoutNewCopy, forks, SEG))
                .extracting(Object::toString).containsExactly("missing WAL segment 000000020000000000000004");
    }
}
