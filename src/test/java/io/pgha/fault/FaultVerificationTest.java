package io.pgha.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The nemesis's proof that a SIGSTOP took: the process state read from /proc. No root needed. */
class FaultVerificationTest {
    @Test
    void aStoppedProcessReadsAsTAndAResumedOrGoneOneDoesNot() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            long pid = sleeper.pid();
            assertThat(Nemesis.state(pid)).isNotEqualTo('T');
            assertThat(NetworkRig.signal(pid, "STOP")).isTrue();
            assertThat(FaultRun.awaitMillis(() -> Nemesis.state(pid) == 'T', Duration.ofSeconds(5))).isNotNegative();
            assertThat(NetworkRig.signal(pid, "CONT")).isTrue();
            assertThat(FaultRun.awaitMillis(() -> Nemesis.state(pid) != 'T', Duration.ofSeconds(5))).isNotNegative();
            sleeper.destroyForcibly();
            assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Nemesis.state(pid)).isEqualTo('-');
        } finally {
            sleeper.destroyForcibly();
        }
    }
}
