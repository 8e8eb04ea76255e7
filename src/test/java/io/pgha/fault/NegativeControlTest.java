package io.pgha.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's negative control: the same rig and checker against agents whose fencing and watchdog are switched
 * off (PGHA_TEST_UNSAFE_NO_FENCING=1), in asynchronous replication so that a deposed primary's commits are
 * acknowledged at once and can be lost. Only the faults that fencing exists for: the primary isolated, its agent
 * frozen past the lease, the primary cut from the store's quorum. A checker that finds nothing wrong here would find
 * nothing anywhere, so this test passes only when the run FAILS with a safety violation (split-brain or lost writes,
 * two primaries answering, interleaved acknowledgements or a deposed primary serving reads); a liveness or convergence
 * failure alone does not count. Needs root, like {@link FaultSuiteTest}; -Dpgha.fault.seed=N replays a run.
 */
class NegativeControlTest {
    static final List<FaultKind> NEED_FENCING = List.of(FaultKind.ISOLATE_PRIMARY, FaultKind.STOP_AGENT, FaultKind.CUT_PRIMARY_FROM_QUORUM);

    @Test
    void withFencingAndTheWatchdogSwitchedOffTheCheckerReportsASplitBrain() throws Exception {
        long seed = Long.getLong("pgha.fault.seed", System.nanoTime());
        FaultRun.Options options = new FaultRun.Options(seed, NEED_FENCING.size(), Duration.ofSeconds(150), 22432,
                Boolean.getBoolean("pgha.keep"), NEED_FENCING, false, false, true);
        FaultRun.Result r;
        try {
            r = FaultRun.run(options, System.out);
        } catch (NetworkRig.Unavailable e) {
            fail("the negative control cannot run on this machine: " + e.getMessage());
            return;
        }
        assertThat(r.leftBehind()).as("what the run failed to clean up").isEmpty();
        Checker.Report report = r.report();
        assertThat(report).as("the run ended before the checker could judge it").isNotNull();
        long safetyViolations = report.lost().size() + report.splitBrain().size() + report.dualPrimary().size()
                + report.interleaved().size() + report.staleReads().size();
        assertThat(safetyViolations).as("split-brain, lost, dual-primary, interleaved or stale-primary evidence with fencing off"
                + " (seed %d): %s", seed, report.summary()).isPositive();
        assertThat(report.ok()).isFalse();
    }
}
