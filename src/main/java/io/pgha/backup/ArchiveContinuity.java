package io.pgha.backup;

import io.pgha.postgres.Lsn;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether the WAL archive holds every segment a restore needs: from {@code start} (the oldest backup's first
 * segment) to {@code end} (the archive's newest), each on the timeline the chain says. A timeline's history file
 * names where each ancestor ended; from the segment holding that point on, the segments come from the child
 * (PostgreSQL copies the switch segment onto the new timeline at promotion).
 */
final class ArchiveContinuity {
    static final long DEFAULT_SEGMENT_BYTES = 16L << 20;

    /** An ancestor timeline and the LSN where its child forked from it (one line of a .history file). */
    record Fork(long parent, long lsn) {}

    /** Missing segments {@code first} to {@code last} (inclusive), on the timeline that should hold them. */
    record Gap(String first, String last) {
        @Override
        public String toString() {
            return first.equals(last) ? "missing WAL segment " + first : "missing WAL segments " + first + " to " + last;
        }
    }

    private ArchiveContinuity() {}

    /** Parses a timeline history file: {@code parentTLI<TAB>switchpoint<TAB>reason} per line, comments skipped. */
    static List<Fork> parseHistory(String text) {
        List<Fork> forks = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            String[] f = t.split("\\s+");
            if (f.length < 2) throw new IllegalArgumentException("not a timeline history line: " + t);
            forks.add(new Fork(Long.parseLong(f[0]), Lsn.parse(f[1])));
        }
        return forks;
    }

    /**
     * The gaps between {@code start} and {@code end}, given the archived segment names and the forks from
     * {@code end}'s timeline history (empty on timeline 1).
     */
    static List<Gap> gaps(String start, String end, Set<String> archived, List<Fork> forks, long segmentBytes) {
        long perLog = 0x1_0000_0000L / segmentBytes;
        long from = number(start, perLog);
        long to = number(end, perLog);
        long endTimeline = timeline(end);
        List<Gap> gaps = new ArrayList<>();
        String first = null;
        String last = null;
        for (long seg = from; seg <= to; seg++) {
            String name = name(timelineOf(seg, forks, endTimeline, segmentBytes), seg, perLog);
            if (!archived.contains(name)) {
                if (first == null) first = name;
                last = name;
            } else if (first != null) {
                gaps.add(new Gap(first, last));
                first = null;
            }
        }
        if (first != null) gaps.add(new Gap(first, last));
        return gaps;
    }

    /** The newest timeline of the chain that had begun by segment {@code seg}. */
    static long timelineOf(long seg, List<Fork> forks, long endTimeline, long segmentBytes) {
        long tl = forks.isEmpty() ? endTimeline : forks.get(0).parent();
        for (int i = 0; i < forks.size(); i++) {
            long child = i + 1 < forks.size() ? forks.get(i + 1).parent() : endTimeline;
            if (seg >= Long.divideUnsigned(forks.get(i).lsn(), segmentBytes)) tl = child;
        }
        return tl;
    }

    static long timeline(String segment) {
        return Long.parseLong(segment.substring(0, 8), 16);
    }

    static long number(String segment, long perLog) {
        return Long.parseLong(segment.substring(8, 16), 16) * perLog + Long.parseLong(segment.substring(16, 24), 16);
    }

    static String name(long timeline, long number, long perLog) {
        return String.format("%08X%08X%08X", timeline, number / perLog, number % perLog);
    }
}
