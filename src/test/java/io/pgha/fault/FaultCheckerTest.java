package io.pgha.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.fault.Checker.Ack;
import io.pgha.fault.Checker.Fault;
import io.pgha.fault.Checker.Probe;
import io.pgha.fault.Checker.ProbeState;
import io.pgha.fault.Checker.Promotion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checker's rules on hand-made histories: what counts as a split-brain write, a loss, a dual primary. */
class FaultCheckerTest {
    static Ack ack(long id, String writer, int node, int tl, long sent, long acked) {
        return new Ack(id, writer, node, tl, sent, acked, false);
    }

    static Checker.Input input(List<Ack> acks, List<Probe> probes, List<Promotion> promotions, List<Fault> faults, Set<Long> ids) {
        return new Checker.Input(acks, probes, promotions, faults, ids, 1, 2_000, 90_000, 0, 100_000, 7);
    }

    static Set<Long> idsOf(List<Ack> acks) {
        Set<Long> ids = new HashSet<>();
        for (Ack a : acks) ids.add(a.id());
        return ids;
    }

    static final Fault KILL = new Fault(1, FaultKind.KILL_NODE, "kill -9 node1 (primary)", 10_000, 13_000, 20_000, "");

    @Test
    void aCleanFailoverBreaksNothingAndItsGapIsTheUnavailability() {
        List<Ack> acks = List.of(
                ack(1, "multi-host", 0, 1, 9_000, 9_900),
                ack(2, "multi-host", 1, 2, 14_000, 14_100),
                ack(3, "direct-node2", 1, 2, 14_050, 14_150),
                ack(4, "multi-host", 1, 2, 14_500, 14_600),
                ack(5, "multi-host", 1, 2, 22_000, 22_010));
        Checker.Report r = Checker.check(input(acks, List.of(), List.of(new Promotion(1, 2, 13_500)), List.of(KILL), idsOf(acks)));
        assertThat(r.violations()).isEmpty();
        // the longest silence between the fault (10 s) and convergence (20 s): 14.6 s to 22.0 s
        assertThat(r.unavailability()).containsEntry(1, 22_010L - 14_600L);
        assertThat(r.endpointAcks()).isEqualTo(4);
        assertThat(r.directAcks()).isEqualTo(1);
        assertThat(r.summary()).contains("lost=0").contains("split-brain=0").endsWith("PASS");
    }

    @Test
    void theSilenceThatCountsIsTheLongestOneWhileTheFaultLasts() {
        long[] acks = {1_000, 9_990, 10_005, 12_000, 12_010, 19_000, 30_000};
        assertThat(Checker.longestSilence(acks, 10_000, 15_000, 0, 40_000)).isEqualTo(19_000 - 12_010);
        assertThat(Checker.longestSilence(acks, 10_000, 20_000, 0, 40_000)).isEqualTo(30_000 - 19_000);
        assertThat(Checker.longestSilence(new long[] {5_000}, 10_000, 20_000, 0, 40_000)).isEqualTo(35_000);
    }

    @Test
    void aWriteSentToTheOldPrimaryAfterTheNewOneWasSeenIsSplitBrain() {
        List<Ack> acks = List.of(
                ack(1, "multi-host", 1, 3, 20_000, 20_010),          // node2 primary on timeline 3
                ack(2, "direct-node1", 0, 2, 20_500, 20_600));     // node1 still acknowledging on timeline 2
        Checker.Report r = Checker.check(input(acks, List.of(), List.of(), List.of(KILL), idsOf(acks)));
        assertThat(r.splitBrain()).singleElement().satisfies(s -> {
            assertThat(s.write().id()).isEqualTo(2);
            assertThat(s.newer().node()).isEqualTo(1);
            assertThat(s.newer().timeline()).isEqualTo(3);
        });
        assertThat(r.ok()).isFalse();
        assertThat(r.summary()).contains("split-brain=1").contains("FAIL");
    }

    @Test
    void aWriteSentBeforeTheNewPrimaryWasSeenIsNotCalledSplitBrainOnClockGuesses() {
        // sent before node2's first sign of life as primary, acknowledged after: the clocks cannot order the commit
        List<Ack> acks = List.of(
                ack(1, "direct-node1", 0, 2, 19_000, 21_000),
                ack(2, "multi-host", 1, 3, 20_000, 20_010));
        Checker.Report r = Checker.check(input(acks, List.of(), List.of(), List.of(KILL), idsOf(acks)));
        assertThat(r.splitBrain()).isEmpty();
    }

    @Test
    void theStoresHistoryAndProbesAlsoDateAPromotion() {
        List<Ack> acks = List.of(ack(1, "direct-node1", 0, 2, 20_500, 20_600));
        Checker.Report byHistory = Checker.check(input(acks, List.of(), List.of(new Promotion(2, 3, 20_000)), List.of(KILL), idsOf(acks)));
        assertThat(byHistory.splitBrain()).hasSize(1);
        List<Probe> probes = List.of(new Probe(2, 19_900, 19_950, ProbeState.PRIMARY, 3));
        Checker.Report byProbe = Checker.check(input(acks, probes, List.of(), List.of(KILL), idsOf(acks)));
        assertThat(byProbe.splitBrain()).hasSize(1);
        // the same node on a newer timeline later is a restart, not a second writer
        Checker.Report sameNode = Checker.check(input(acks, List.of(), List.of(new Promotion(0, 3, 20_000)), List.of(KILL), idsOf(acks)));
        assertThat(sameNode.splitBrain()).isEmpty();
    }

    @Test
    void anAcknowledgedWriteMissingOnTheFinalPrimaryIsLostAndPlacedInItsFault() {
        List<Ack> acks = List.of(ack(1, "multi-host", 0, 1, 9_000, 9_900), ack(2, "multi-host", 0, 1, 10_100, 10_200));
        Checker.Report r = Checker.check(input(acks, List.of(), List.of(), List.of(KILL), Set.of(1L)));
        assertThat(r.lost()).extracting(Ack::id).containsExactly(2L);
        assertThat(r.details()).anyMatch(l -> l.startsWith("LOST write id 2") && l.contains("during fault 1 (kill-node)"));
        assertThat(r.violations()).anyMatch(v -> v.contains("1 acknowledged writes missing"));
    }

    @Test
    void aClusterThatNeverConvergesIsAViolation() {
        Fault stuck = new Fault(1, FaultKind.ISOLATE_PRIMARY, "node1 isolated", 10_000, 16_000, -1, "");
        Checker.Report r = Checker.check(new Checker.Input(List.of(), List.of(), List.of(), List.of(stuck), Set.of(), 0, -1,
                90_000, 0, 100_000, 7));
        assertThat(r.violations()).singleElement().asString().contains("not back to one primary");
        assertThat(r.summary()).contains("convergence-after-last-heal=NONE within 90.00s");
    }

    @Test
    void twoNodesAnsweringAsPrimaryAtOnceAreAViolation() {
        List<Probe> probes = new ArrayList<>();
        for (long t = 0; t <= 1_000; t += 100) probes.add(new Probe(0, t, t + 5, ProbeState.PRIMARY, 2));
        probes.add(new Probe(0, 1_100, 1_105, ProbeState.UNREACHABLE, -1));
        for (long t = 600; t <= 2_000; t += 100) probes.add(new Probe(1, t, t + 5, ProbeState.PRIMARY, 3));
        List<Checker.Window> w = Checker.dualPrimary(probes);
        assertThat(w).singleElement().satisfies(x -> {
            assertThat(x.fromMs()).isEqualTo(605);
            assertThat(x.toMs()).isEqualTo(1_000);
        });
        Checker.Report r = Checker.check(input(List.of(), probes, List.of(), List.of(), Set.of()));
        assertThat(r.ok()).isFalse();
        assertThat(r.dualPrimary()).hasSize(1);
        assertThat(r.violations()).singleElement().asString().contains("two primaries answering").contains("node1 and node2");
    }

    @Test
    void withoutAFinalPrimaryNoLossCanBeCheckedAndThatIsAViolation() {
        List<Ack> acks = List.of(ack(1, "multi-host", 0, 1, 9_000, 9_010));
        Checker.Report r = Checker.check(new Checker.Input(acks, List.of(), List.of(), List.of(), null, -1, 2_000, 90_000, 0,
                100_000, 7));
        assertThat(r.violations()).singleElement().asString().contains("no final primary");
        assertThat(r.summary()).contains("lost=unchecked").contains("FAIL");
    }

    @Test
    void aWriteAcknowledgedByAnAddressOfNoNodeIsAViolation() {
        List<Ack> acks = List.of(ack(1, "multi-host", 0, 1, 9_000, 9_010), ack(2, "multi-host", -1, 1, 9_100, 9_110));
        Checker.Report r = Checker.check(input(acks, List.of(), List.of(), List.of(), idsOf(acks)));
        assertThat(r.violations()).singleElement().asString().contains("1 writes acknowledged by an address that is none");
    }

    @Test
    void twoPrimariesOnOneTimelineAreCaughtByTheProbesThoughNoWriteIsSplitBrain() {
        // both promoted to timeline 3: no newer timeline, so no split-brain write; the probes still see both at once
        List<Probe> probes = new ArrayList<>();
        for (long t = 0; t <= 1_000; t += 100) {
            probes.add(new Probe(0, t, t + 5, ProbeState.PRIMARY, 3));
            probes.add(new Probe(1, t + 50, t + 55, ProbeState.PRIMARY, 3));
        }
        List<Ack> acks = List.of(ack(1, "direct-node1", 0, 3, 300, 310), ack(2, "direct-node2", 1, 3, 900, 910));
        Checker.Report r = Checker.check(input(acks, probes, List.of(), List.of(), idsOf(acks)));
        assertThat(r.splitBrain()).isEmpty();
        assertThat(r.dualPrimary()).singleElement().satisfies(w -> assertThat(w.millis()).isEqualTo(1_000 - 55));
        assertThat(r.violations()).singleElement().asString().contains("two primaries answering");
    }

    @Test
    void oneNodeAcknowledgingBetweenTwoOfAnothersAcknowledgementsIsTwoPrimariesWhateverTheTimelines() {
        // same timeline: neither the split-brain rule nor (without probes) the probe rule could see it
        List<Ack> acks = List.of(
                ack(1, "direct-node1", 0, 3, 10_000, 10_010),
                ack(2, "direct-node2", 1, 3, 10_015, 10_030),
                ack(3, "direct-node1", 0, 3, 10_035, 10_045));
        Checker.Report r = Checker.check(input(acks, List.of(), List.of(), List.of(), idsOf(acks)));
        assertThat(r.splitBrain()).isEmpty();
        assertThat(r.interleaved()).singleElement().satisfies(i -> {
            assertThat(i.before().id()).isEqualTo(1);
            assertThat(i.other().id()).isEqualTo(2);
            assertThat(i.after().id()).isEqualTo(3);
        });
        assertThat(r.violations()).singleElement().asString().contains("acknowledgements by one node between two of another's");
        assertThat(r.details()).anyMatch(l -> l.startsWith("TWO PRIMARIES: node1"));
        assertThat(r.summary()).contains("interleaved-acks=1");
    }

    @Test
    void acknowledgementsThatMerelyTouchOrHandOverAreNotTwoPrimaries() {
        // a handover: node1 until 10 s, node2 from 13 s; a hand back after 16 s; overlapping in flight only
        List<Ack> handover = List.of(
                ack(1, "direct-node1", 0, 2, 9_990, 10_000),
                ack(2, "direct-node2", 1, 3, 13_000, 13_010),
                ack(3, "direct-node1", 0, 4, 16_000, 16_010));
        assertThat(Checker.interleaved(handover)).isEmpty();
        // node2's write was in flight while node1 acknowledged: the commits cannot be ordered
        List<Ack> inFlight = List.of(
                ack(1, "direct-node1", 0, 2, 10_000, 10_010),
                ack(2, "direct-node2", 1, 2, 10_005, 10_030),
                ack(3, "direct-node1", 0, 2, 10_020, 10_040));
        assertThat(Checker.interleaved(inFlight)).isEmpty();
        // an a-b-a order spread over more than the interleave span: a failover and a failback, not two primaries
        List<Ack> slow = List.of(
                ack(1, "direct-node1", 0, 2, 10_000, 10_010),
                ack(2, "direct-node2", 1, 3, 10_500, 10_510),
                ack(3, "direct-node1", 0, 4, 10_990, 11_001));
        assertThat(Checker.interleaved(slow)).isEmpty();
    }

    @Test
    void aFaultWhoseUnavailabilityExceedsItsKindsBoundFailsTheRun() {
        Fault split = new Fault(1, FaultKind.SPLIT_REPLICAS, "node2 and node3 cut", 10_000, 15_000, 16_000, "");
        List<Ack> acks = new ArrayList<>();
        for (long t = 0; t < 12_000; t += 10) acks.add(ack(t, "multi-host", 0, 1, t, t + 5));
        for (long t = 15_000; t < 20_000; t += 10) acks.add(ack(t, "multi-host", 0, 1, t, t + 5));
        Checker.Report r = Checker.check(input(acks, List.of(), List.of(), List.of(split), idsOf(acks)));
        assertThat(r.unavailability()).containsEntry(1, 15_005L - 11_995L);
        assertThat(r.violations()).singleElement().asString()
                .contains("fault 1 (split-replicas)").contains("3.01s").contains("bound of 2.00s");
        assertThat(r.details()).anyMatch(l -> l.startsWith("unavailability split-replicas") && l.contains("(bound 2.00s)"));
        // the same silence after a kill of the primary is within its failover bound
        Fault kill = new Fault(1, FaultKind.KILL_NODE, "kill -9 node1", 10_000, 15_000, 16_000, "");
        assertThat(Checker.check(input(acks, List.of(), List.of(), List.of(kill), idsOf(acks))).violations()).isEmpty();
    }

    static Checker.Input twoEndpoints(List<Ack> acks, List<Fault> faults, List<Checker.Read> reads) {
        return new Checker.Input(acks, List.of(), List.of(), faults, idsOf(acks), 0, 2_000, 90_000, 0, 20_000, 7,
                List.of(Checker.MULTI_HOST, Checker.PROXY), reads);
    }

    @Test
    void everyEndpointIsJudgedAgainstTheBoundEvenOneThatNeverAcknowledged() {
        Fault split = new Fault(1, FaultKind.SPLIT_REPLICAS, "node2 and node3 cut", 10_000, 15_000, 16_000, "");
        List<Ack> acks = new ArrayList<>();
        for (long t = 0; t < 20_000; t += 10) acks.add(ack(t, "multi-host", 0, 1, t, t + 5));
        Checker.Report silentProxy = Checker.check(twoEndpoints(acks, List.of(split), List.of()));
        assertThat(silentProxy.violations()).singleElement().asString().contains("the proxy endpoint").contains("bound of 2.00s");
        assertThat(silentProxy.byEndpoint().get(Checker.MULTI_HOST)).containsEntry(1, 10L);
        assertThat(silentProxy.summary()).contains("multi-host median=0.01s").contains("proxy median=20.00s");
        // the proxy writer silent for 3 s while the multi-host one is not: the run fails on the proxy alone
        for (long t = 0; t < 20_000; t += 10) if (t < 11_000 || t > 14_000) acks.add(ack(100_000 + t, "proxy", 0, 1, t, t + 5));
        Checker.Report r = Checker.check(twoEndpoints(acks, List.of(split), List.of()));
        assertThat(r.violations()).singleElement().asString().contains("proxy endpoint").contains("3.02s");
        assertThat(r.unavailability()).containsEntry(1, 14_015L - 10_995L);
    }

    @Test
    void aFrozenAgentsProxyGetsTheClientsSocketTimeoutOnTopOfTheKindsBound() {
        assertThat(FaultKind.FREEZE_STANDBY_AGENTS.boundMs(Checker.PROXY)).isEqualTo(2_000 + FaultKind.PROXY_CLIENT_TIMEOUT_MS);
        assertThat(FaultKind.FREEZE_STANDBY_AGENTS.boundMs(Checker.MULTI_HOST)).isEqualTo(2_000);
        assertThat(FaultKind.KILL_STANDBY_AGENTS.boundMs(Checker.PROXY)).isEqualTo(2_000);
    }

    @Test
    void aReadThroughTheReadOnlyPortFromADeposedPrimaryIsAViolationAStandbysIsNot() {
        List<Ack> acks = List.of(ack(1, "multi-host", 1, 3, 10_000, 10_010), ack(2, "proxy", 1, 3, 10_020, 10_030));
        List<Checker.Read> fine = List.of(
                new Checker.Read(0, 9_000, 9_005, true, 2),       // node1 primary on timeline 2 before node2 was seen on 3
                new Checker.Read(0, 12_000, 12_005, false, -1),   // node1 as a standby afterwards: stale data is allowed
                new Checker.Read(1, 12_100, 12_105, true, 3));
        assertThat(Checker.check(twoEndpoints(acks, List.of(), fine)).violations()).isEmpty();
        List<Checker.Read> stale = List.of(new Checker.Read(0, 11_000, 11_005, true, 2));
        Checker.Report r = Checker.check(twoEndpoints(acks, List.of(), stale));
        assertThat(r.staleReads()).singleElement().satisfies(s -> assertThat(s.newer().node()).isEqualTo(1));
        assertThat(r.violations()).singleElement().asString().contains("read-only port answered by a deposed primary");
        assertThat(r.details()).anyMatch(l -> l.startsWith("STALE-PRIMARY read"));
    }

    @Test
    void faultsAreDealtInRoundsSoEveryKindComesBeforeAnyRepeats() {
        int kinds = FaultKind.values().length;
        List<FaultKind> plan = FaultRun.plan(new java.util.Random(1), kinds + 3, List.of(FaultKind.values()));
        assertThat(plan).hasSize(kinds + 3);
        assertThat(plan.subList(0, kinds)).containsExactlyInAnyOrder(FaultKind.values());
        assertThat(FaultRun.plan(new java.util.Random(1), kinds + 3, List.of(FaultKind.values()))).isEqualTo(plan);
    }
}
