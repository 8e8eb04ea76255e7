package io.pgha.fault;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Judges a run from what the clients saw and the cluster's final state; pure, so its rules are pinned
 * by FaultCheckerTest. Every time here is epoch milliseconds from the one clock this machine has, which
 * the agents' logs and the store's history also use.
 *
 * <ul>
 *   <li><b>one writer</b>: a write acknowledged by node a on timeline ta, sent after node b had been
 *       seen primary on a newer timeline tb > ta, is a split-brain write. "Seen" is an upper bound on
 *       b's promotion (b's first acknowledged write or probe answer on tb, or the store's history), and
 *       "sent" a lower bound on a's commit, so no ordering of the two events is assumed that the clocks
 *       cannot prove;
 *   <li><b>no loss</b>: every acknowledged commit is on the final primary;
 *   <li><b>convergence</b>: after every heal, and after the last, one primary and every standby streaming
 *       (and the synchronous set complete) within the bound;
 *   <li><b>availability</b>: per fault and per endpoint writer (multi-host URL, pgha's proxy), the longest
 *       silence (gap between two acknowledgements) from the fault's start until the cluster is steady;
 *   <li><b>one primary</b>: no two nodes answer as primary at the same instant, writes or not (DESIGN.md
 *       invariant 1 itself): a window where both were certainly primary throughout is a violation. A frozen
 *       agent cannot fence itself; its watchdog stops its PostgreSQL before the lease expires;
 *   <li><b>one primary, from the writes</b>: node a acknowledging, then node b, then a again, all within
 *       {@link #INTERLEAVE_MS}, whatever timelines they report: no legitimate pair of handovers is that quick;
 *   <li><b>known nodes</b>: every acknowledgement comes from one of the cluster's addresses;
 *   <li><b>liveness</b>: no fault's write unavailability through any endpoint exceeds its kind's bound for it;
 *   <li><b>the read-only port</b>: it routes to streaming standbys of the lease holder, or to the lease holder when
 *       none streams (agent/Routing), so its answers may be stale but never come from a deposed primary: a read
 *       answered as primary on a timeline older than another node was already seen primary on is a violation.
 *       Its outages are not judged: with no lease holder in the proxy's view it has no target, by design.
 * </ul>
 */
final class Checker {
    /** The writer through pgjdbc's multi-host URL (targetServerType=primary). */
    static final String MULTI_HOST = "multi-host";
    /** The writer through pgha's read-write proxy port, moving to the next node's proxy when its connection fails. */
    static final String PROXY = "proxy";
    /** a-b-a acknowledgements within this span prove two primaries; a handover and a hand back take seconds each. */
    static final long INTERLEAVE_MS = 1_000;

    /** One acknowledged commit: who wrote it, which node and timeline acknowledged it, when. */
    record Ack(long id, String writer, int node, int timeline, long sentMs, long ackMs, boolean syncWarning) {}

    enum ProbeState { PRIMARY, STANDBY, UNREACHABLE }

    /** One answer (or its absence) to "are you a primary, on which timeline" sent at sentMs. */
    record Probe(int node, long sentMs, long atMs, ProbeState state, int timeline) {}

    /** One answer through the read-only proxy port: node answered, as a primary on timeline or as a standby (-1). */
    record Read(int node, long sentMs, long atMs, boolean primary, int timeline) {}

    /** A read answered by a primary on an older timeline than another node had already been seen primary on. */
    record StaleRead(Read read, Seen newer) {}

    /** A promotion from the store's history: node was primary on timeline by atMs. */
    record Promotion(int node, int timeline, long atMs) {}

    /** One injected fault: applied at startMs, healed at healMs, cluster steady again at convergedMs (-1: never). */
    record Fault(int seq, FaultKind kind, String what, long startMs, long healMs, long convergedMs, String outcome) {}

    /** Evidence that node was primary on timeline no later than atMs. */
    record Seen(int node, int timeline, long atMs, String source) {}

    record SplitBrain(Ack write, Seen newer) {}

    /** Node before.node() acknowledged before and after other, which another node acknowledged in between. */
    record Interleave(Ack before, Ack other, Ack after) {}

    record Window(int a, int b, long fromMs, long toMs) {
        long millis() {
            return toMs - fromMs;
        }
    }

    /**
     * @param endpoints the endpoint writers that ran (each judged for liveness, even one that acknowledged nothing)
     * @param reads     the read-only proxy port's answers
     */
    record Input(List<Ack> acks, List<Probe> probes, List<Promotion> promotions, List<Fault> faults,
                 Set<Long> finalIds, int finalPrimary, long finalConvergenceMs, long convergenceBoundMs,
                 long runStartMs, long runEndMs, long seed, List<String> endpoints, List<Read> reads) {

        /** One endpoint writer (multi-host) and no reader. */
        Input(List<Ack> acks, List<Probe> probes, List<Promotion> promotions, List<Fault> faults, Set<Long> finalIds,
              int finalPrimary, long finalConvergenceMs, long convergenceBoundMs, long runStartMs, long runEndMs, long seed) {
            this(acks, probes, promotions, faults, finalIds, finalPrimary, finalConvergenceMs, convergenceBoundMs, runStartMs,
                    runEndMs, seed, List.of(MULTI_HOST), List.of());
        }
    }

    /**
     * @param unavailability   per fault, the worst endpoint's longest silence
     * @param byEndpoint       per endpoint writer, per fault, its longest silence
     */
    record Report(Input in, Map<FaultKind, Integer> faultsByKind, long endpointAcks, long directAcks, List<Ack> lost,
                  List<SplitBrain> splitBrain, Map<Integer, Long> unavailability, Map<String, Map<Integer, Long>> byEndpoint,
                  List<Window> dualPrimary, List<Interleave> interleaved, List<StaleRead> staleReads, long syncWarnings,
                  List<String> violations) {

        boolean ok() {
            return violations.isEmpty();
        }

        String summary() {
            StringBuilder kinds = new StringBuilder();
            faultsByKind.forEach((k, n) -> kinds.append(kinds.isEmpty() ? "" : ", ").append(k.label).append(' ').append(n));
            StringBuilder perEndpoint = new StringBuilder();
            byEndpoint.forEach((e, g) -> perEndpoint.append(" ").append(e).append(" median=").append(secs(median(new ArrayList<>(g.values()))))
                    .append(" max=").append(secs(g.values().stream().mapToLong(Long::longValue).max().orElse(0))));
            long dualMax = dualPrimary.stream().mapToLong(Window::millis).max().orElse(0);
            long standbyReads = in.reads().stream().filter(r -> !r.primary()).count();
            return String.format("pgha fault suite: seed=%d faults=%d (%s) acked=%d (endpoints %d, direct %d) lost=%s"
                            + " split-brain=%d dual-primary-windows=%d (max %s) interleaved-acks=%d read-only-port reads=%d"
                            + " (standby %d) stale-primary-reads=%d convergence-after-last-heal=%s unavailability%s run=%.0fs: %s",
                    in.seed(), in.faults().size(), kinds, endpointAcks + directAcks, endpointAcks, directAcks,
                    in.finalIds() == null ? "unchecked" : Integer.toString(lost.size()),
                    splitBrain.size(), dualPrimary.size(), secs(dualMax), interleaved.size(), in.reads().size(), standbyReads,
                    staleReads.size(),
                    in.finalConvergenceMs() < 0 ? "NONE within " + secs(in.convergenceBoundMs()) : secs(in.finalConvergenceMs()),
                    perEndpoint, (in.runEndMs() - in.runStartMs()) / 1000.0,
                    ok() ? "PASS" : "FAIL (" + String.join("; ", violations) + ")");
        }

        /** The details behind the summary: one line per fault, then every broken invariant's evidence. */
        List<String> details() {
            List<String> out = new ArrayList<>();
            for (Fault f : in.faults()) {
                List<Window> dual = dualPrimary.stream().filter(w -> w.toMs() >= f.startMs()
                        && w.fromMs() <= (f.convergedMs() < 0 ? in.runEndMs() : f.convergedMs())).toList();
                StringBuilder gaps = new StringBuilder();
                byEndpoint.forEach((e, g) -> gaps.append(gaps.isEmpty() ? "" : ", ").append(e).append(' ').append(secs(g.get(f.seq()))));
                out.add(String.format("fault %2d %-24s at %s, healed %s later, converged %s after the heal; unavailable"
                                + " %s; %s%s", f.seq(), f.kind().label, time(f.startMs()), secs(f.healMs() - f.startMs()),
                        f.convergedMs() < 0 ? "NEVER" : secs(f.convergedMs() - f.healMs()), gaps,
                        f.what() + (f.outcome().isEmpty() ? "" : "; " + f.outcome()),
                        dual.isEmpty() ? "" : "; two primaries answering for " + secs(dual.stream().mapToLong(Window::millis).sum())
                                + " (" + dual.stream().map(w -> "node" + (w.a() + 1) + "+node" + (w.b() + 1) + " "
                                + time(w.fromMs()) + ".." + time(w.toMs())).reduce((x, y) -> x + ", " + y).orElse("") + ")"));
            }
            byEndpoint.forEach((e, perFault) -> {
                Map<FaultKind, List<Long>> byKind = new EnumMap<>(FaultKind.class);
                for (Fault f : in.faults()) byKind.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(perFault.get(f.seq()));
                byKind.forEach((k, g) -> out.add(String.format("unavailability %-24s %-10s n=%d median %s max %s (bound %s)", k.label,
                        e, g.size(), secs(median(g)), secs(g.stream().mapToLong(Long::longValue).max().orElse(0)), secs(k.boundMs(e)))));
            });
            if (syncWarnings > 0) out.add(syncWarnings + " writes were acknowledged with a 'canceling wait for synchronous replication' warning");
            int shown = 0;
            for (SplitBrain s : splitBrain) {
                if (shown++ == 25) {
                    out.add("... " + (splitBrain.size() - 25) + " more split-brain writes");
                    break;
                }
                Ack a = s.write();
                out.add(String.format("SPLIT-BRAIN write id %d (%s) acknowledged by node%d on timeline %d, sent %s, acked %s,"
                                + " after node%d was seen primary on timeline %d at %s (%s)%s", a.id(), a.writer(), a.node() + 1,
                        a.timeline(), time(a.sentMs()), time(a.ackMs()), s.newer().node() + 1, s.newer().timeline(),
                        time(s.newer().atMs()), s.newer().source(), lost.contains(a) ? "; lost" : "; present on the final primary"));
            }
            shown = 0;
            for (Interleave i : interleaved) {
                if (shown++ == 10) {
                    out.add("... " + (interleaved.size() - 10) + " more interleaved acknowledgements");
                    break;
                }
                out.add(String.format("TWO PRIMARIES: node%d acknowledged id %d (timeline %d) at %s and id %d (timeline %d) sent %s;"
                                + " in between node%d acknowledged id %d (%s, timeline %d) sent %s, acked %s", i.before().node() + 1,
                        i.before().id(), i.before().timeline(), time(i.before().ackMs()), i.after().id(), i.after().timeline(),
                        time(i.after().sentMs()), i.other().node() + 1, i.other().id(), i.other().writer(), i.other().timeline(),
                        time(i.other().sentMs()), time(i.other().ackMs())));
            }
            shown = 0;
            for (StaleRead s : staleReads) {
                if (shown++ == 10) {
                    out.add("... " + (staleReads.size() - 10) + " more stale-primary reads");
                    break;
                }
                out.add(String.format("STALE-PRIMARY read through the read-only port: node%d answered as primary on timeline %d,"
                                + " sent %s, after node%d was seen primary on timeline %d at %s (%s)", s.read().node() + 1,
                        s.read().timeline(), time(s.read().sentMs()), s.newer().node() + 1, s.newer().timeline(),
                        time(s.newer().atMs()), s.newer().source()));
            }
            shown = 0;
            for (Ack a : lost) {
                if (shown++ == 25) {
                    out.add("... " + (lost.size() - 25) + " more lost writes");
                    break;
                }
                out.add(String.format("LOST write id %d (%s) acknowledged by node%d on timeline %d, sent %s, acked %s, %s",
                        a.id(), a.writer(), a.node() + 1, a.timeline(), time(a.sentMs()), time(a.ackMs()), during(in.faults(), a.ackMs())));
            }
            return out;
        }
    }

    private Checker() {}

    static Report check(Input in) {
        List<String> violations = new ArrayList<>();
        Map<FaultKind, Integer> byKind = new EnumMap<>(FaultKind.class);
        for (Fault f : in.faults()) byKind.merge(f.kind(), 1, Integer::sum);
        long endpoint = in.acks().stream().filter(a -> in.endpoints().contains(a.writer())).count();
        long direct = in.acks().size() - endpoint;

        // one writer
        List<Seen> seen = seen(in);
        List<SplitBrain> split = splitBrainWrites(in.acks(), seen);
        if (!split.isEmpty()) {
            SplitBrain first = split.get(0);
            violations.add(split.size() + " split-brain writes (first: id " + first.write().id() + " acknowledged by node"
                    + (first.write().node() + 1) + " on timeline " + first.write().timeline() + " at " + time(first.write().ackMs())
                    + ", after node" + (first.newer().node() + 1) + " was primary on timeline " + first.newer().timeline()
                    + " by " + time(first.newer().atMs()) + ")");
        }

        // no loss
        List<Ack> lost = new ArrayList<>();
        if (in.finalIds() == null) {
            violations.add("no final primary (no node held the lease as primary) to check the acknowledged writes against");
        } else {
            for (Ack a : in.acks()) if (!in.finalIds().contains(a.id())) lost.add(a);
            lost.sort(Comparator.comparingLong(Ack::ackMs));
            if (!lost.isEmpty()) {
                violations.add(lost.size() + " acknowledged writes missing on the final primary node" + (in.finalPrimary() + 1)
                        + " (first: id " + lost.get(0).id() + " acked by node" + (lost.get(0).node() + 1) + " at "
                        + time(lost.get(0).ackMs()) + ")");
            }
        }

        // convergence
        for (Fault f : in.faults()) {
            if (f.convergedMs() < 0) {
                violations.add("after fault " + f.seq() + " (" + f.kind().label + ") the cluster was not back to one primary"
                        + " and every standby streaming within " + secs(in.convergenceBoundMs()));
            }
        }
        if (in.finalConvergenceMs() < 0 && in.faults().stream().allMatch(f -> f.convergedMs() >= 0)) {
            violations.add("after the last heal the cluster was not back to one primary and every standby streaming within "
                    + secs(in.convergenceBoundMs()));
        }

        Map<Integer, Long> gaps = new TreeMap<>();
        Map<String, Map<Integer, Long>> byEndpoint = new java.util.LinkedHashMap<>();
        for (String e : in.endpoints()) {
            long[] ackTimes = in.acks().stream().filter(a -> a.writer().equals(e)).mapToLong(Ack::ackMs).sorted().toArray();
            Map<Integer, Long> perFault = new TreeMap<>();
            for (Fault f : in.faults()) {
                long end = f.convergedMs() < 0 ? in.runEndMs() : f.convergedMs();
                long gap = longestSilence(ackTimes, f.startMs(), end, in.runStartMs(), in.runEndMs());
                perFault.put(f.seq(), gap);
                gaps.merge(f.seq(), gap, Math::max);
                // liveness: a fault that did not converge is already a violation above
                if (f.convergedMs() >= 0 && gap > f.kind().boundMs(e)) {
                    violations.add("fault " + f.seq() + " (" + f.kind().label + ") left the " + e + " endpoint without an"
                            + " acknowledged write for " + secs(gap) + ", over its bound of " + secs(f.kind().boundMs(e)));
                }
            }
            byEndpoint.put(e, perFault);
        }
        long unknown = in.acks().stream().filter(a -> a.node() < 0).count();
        if (unknown > 0) violations.add(unknown + " writes acknowledged by an address that is none of the cluster's nodes");
        List<Interleave> interleaved = interleaved(in.acks());
        if (!interleaved.isEmpty()) {
            Interleave i = interleaved.get(0);
            violations.add(interleaved.size() + " acknowledgements by one node between two of another's within "
                    + secs(INTERLEAVE_MS) + " (first: node" + (i.other().node() + 1) + " at " + time(i.other().ackMs())
                    + " between node" + (i.before().node() + 1) + "'s)");
        }
        long warnings = in.acks().stream().filter(Ack::syncWarning).count();
        // invariant 1 itself, not only its consequence for acknowledged writes: never two primaries at one instant
        List<Window> dual = dualPrimary(in.probes());
        if (!dual.isEmpty()) {
            Window w = dual.get(0);
            violations.add(dual.size() + " windows with two primaries answering (first: node" + (w.a() + 1) + " and node"
                    + (w.b() + 1) + " from " + time(w.fromMs()) + " for " + secs(w.millis()) + ")");
        }
        // the read-only port serves a streaming standby of the lease holder, or the lease holder: never a deposed primary
        List<StaleRead> stale = staleReads(in.reads(), seen);
        if (!stale.isEmpty()) {
            StaleRead first = stale.get(0);
            violations.add(stale.size() + " reads through the read-only port answered by a deposed primary (first: node"
                    + (first.read().node() + 1) + " on timeline " + first.read().timeline() + " at " + time(first.read().atMs())
                    + ", after node" + (first.newer().node() + 1) + " was primary on timeline " + first.newer().timeline() + ")");
        }
        return new Report(in, byKind, endpoint, direct, lost, split, gaps, byEndpoint, dual, interleaved, stale, warnings, violations);
    }

    /** For each node and timeline, the earliest evidence that the node was primary on it. */
    static List<Seen> seen(Input in) {
        Map<List<Integer>, Seen> first = new HashMap<>();
        java.util.function.Consumer<Seen> add = s -> first.merge(List.of(s.node(), s.timeline()), s,
                (x, y) -> x.atMs() <= y.atMs() ? x : y);
        for (Ack a : in.acks()) add.accept(new Seen(a.node(), a.timeline(), a.ackMs(), "acknowledged write id " + a.id()));
        for (Probe p : in.probes()) {
            if (p.state() == ProbeState.PRIMARY) add.accept(new Seen(p.node(), p.timeline(), p.atMs(), "probe answered as primary"));
        }
        for (Promotion p : in.promotions()) add.accept(new Seen(p.node(), p.timeline(), p.atMs(), "promotion in the store's history"));
        return new ArrayList<>(first.values());
    }

    static List<SplitBrain> splitBrainWrites(Collection<Ack> acks, List<Seen> seen) {
        // for each (node, timeline) an acknowledged write came from: the earliest sign of a newer timeline elsewhere
        Map<List<Integer>, Seen> threshold = new HashMap<>();
        List<SplitBrain> out = new ArrayList<>();
        for (Ack a : acks) {
            Seen newer = threshold.computeIfAbsent(List.of(a.node(), a.timeline()), k -> seen.stream()
                    .filter(s -> s.node() != a.node() && s.timeline() > a.timeline())
                    .min(Comparator.comparingLong(Seen::atMs)).orElse(new Seen(-1, -1, Long.MAX_VALUE, "")));
            if (a.sentMs() > newer.atMs()) out.add(new SplitBrain(a, newer));
        }
        out.sort(Comparator.comparingLong(s -> s.write().ackMs()));
        return out;
    }

    /** Reads answered as primary on timeline t, sent after another node was seen primary on a newer timeline. */
    static List<StaleRead> staleReads(Collection<Read> reads, List<Seen> seen) {
        List<StaleRead> out = new ArrayList<>();
        for (Read r : reads) {
            if (!r.primary()) continue;
            seen.stream().filter(s -> s.node() != r.node() && s.timeline() > r.timeline() && s.atMs() < r.sentMs())
                    .min(Comparator.comparingLong(Seen::atMs)).ifPresent(s -> out.add(new StaleRead(r, s)));
        }
        out.sort(Comparator.comparingLong(s -> s.read().atMs()));
        return out;
    }

    /**
     * Two primaries seen in the acknowledgements alone: for each write b acknowledged by one node, the other
     * node's last acknowledgement before b was sent and first write sent after b was acknowledged. When
     * those two lie within {@link #INTERLEAVE_MS}, the other node committed before and after b's commit.
     */
    static List<Interleave> interleaved(Collection<Ack> acks) {
        Map<Integer, List<Ack>> byAck = new TreeMap<>();
        for (Ack a : acks) if (a.node() >= 0) byAck.computeIfAbsent(a.node(), k -> new ArrayList<>()).add(a);
        Map<Integer, List<Ack>> bySent = new TreeMap<>();
        byAck.forEach((node, list) -> {
            list.sort(Comparator.comparingLong(Ack::ackMs));
            bySent.put(node, list.stream().sorted(Comparator.comparingLong(Ack::sentMs)).toList());
        });
        List<Interleave> out = new ArrayList<>();
        for (Ack b : acks) {
            if (b.node() < 0) continue;
            for (var e : byAck.entrySet()) {
                if (e.getKey() == b.node()) continue;
                List<Ack> ackOrder = e.getValue();
                List<Ack> sentOrder = bySent.get(e.getKey());
                int i = firstIndex(ackOrder, Ack::ackMs, b.sentMs()) - 1; // last ackMs < b.sentMs
                int j = firstIndex(sentOrder, Ack::sentMs, b.ackMs() + 1); // first sentMs > b.ackMs
                if (i < 0 || j >= sentOrder.size()) continue;
                Ack before = ackOrder.get(i);
                Ack after = sentOrder.get(j);
                if (after.ackMs() - before.sentMs() <= INTERLEAVE_MS) out.add(new Interleave(before, b, after));
            }
        }
        out.sort(Comparator.comparingLong(x -> x.other().ackMs()));
        return out;
    }

    /** The first index whose key is at least {@code atLeast}, in a list sorted by that key. */
    private static int firstIndex(List<Ack> sorted, java.util.function.ToLongFunction<Ack> key, long atLeast) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (key.applyAsLong(sorted.get(mid)) < atLeast) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /**
     * Times at which two nodes both answered as primary: per node, runs of consecutive PRIMARY answers on
     * one timeline give intervals it was certainly primary throughout (from the first answer's arrival to
     * the last one's sending); overlaps of two nodes' intervals are the windows.
     */
    static List<Window> dualPrimary(List<Probe> probes) {
        Map<Integer, List<long[]>> intervals = new TreeMap<>();
        Map<Integer, List<Probe>> byNode = new TreeMap<>();
        for (Probe p : probes) byNode.computeIfAbsent(p.node(), k -> new ArrayList<>()).add(p);
        byNode.forEach((node, list) -> {
            list.sort(Comparator.comparingLong(Probe::sentMs));
            Probe runStart = null;
            Probe runEnd = null;
            for (Probe p : list) {
                boolean continues = p.state() == ProbeState.PRIMARY && runStart != null && p.timeline() == runStart.timeline();
                if (!continues) {
                    if (runStart != null && runEnd.sentMs() > runStart.atMs())
                        intervals.computeIfAbsent(node, k -> new ArrayList<>()).add(new long[] {runStart.atMs(), runEnd.sentMs()});
                    runStart = p.state() == ProbeState.PRIMARY ? p : null;
                }
                runEnd = p;
            }
            if (runStart != null && runEnd.sentMs() > runStart.atMs())
                intervals.computeIfAbsent(node, k -> new ArrayList<>()).add(new long[] {runStart.atMs(), runEnd.sentMs()});
        });
        List<Window> out = new ArrayList<>();
        List<Integer> nodes = new ArrayList<>(intervals.keySet());
        for (int x = 0; x < nodes.size(); x++) {
            for (int y = x + 1; y < nodes.size(); y++) {
                for (long[] i : intervals.get(nodes.get(x))) {
                    for (long[] j : intervals.get(nodes.get(y))) {
                        long from = Math.max(i[0], j[0]);
                        long to = Math.min(i[1], j[1]);
                        if (to > from) out.add(new Window(nodes.get(x), nodes.get(y), from, to));
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(Window::fromMs));
        return out;
    }

    /**
     * The endpoint writer's longest silence overlapping the fault's window [startMs, endMs]: the largest
     * gap between consecutive acknowledgements (the run's start and end bound the first and last).
     */
    static long longestSilence(long[] sortedAckMs, long startMs, long endMs, long runStartMs, long runEndMs) {
        long previous = runStartMs;
        long longest = 0;
        for (long t : sortedAckMs) {
            if (t > startMs && previous < endMs) longest = Math.max(longest, t - previous);
            previous = t;
            if (t > endMs) return longest;
        }
        return Math.max(longest, runEndMs - previous);
    }

    static long median(List<Long> values) {
        if (values.isEmpty()) return 0;
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static String during(List<Fault> faults, long atMs) {
        Fault last = null;
        for (Fault f : faults) if (f.startMs() <= atMs) last = f;
        if (last == null) return "before the first fault";
        String state = atMs <= last.healMs() ? "during" : last.convergedMs() < 0 || atMs <= last.convergedMs() ? "while recovering from" : "after";
        return state + " fault " + last.seq() + " (" + last.kind().label + ")";
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    static String secs(long millis) {
        return String.format("%.2fs", millis / 1000.0);
    }

    static String secs(Long millis) {
        return millis == null ? "?" : secs(millis.longValue());
    }
}
