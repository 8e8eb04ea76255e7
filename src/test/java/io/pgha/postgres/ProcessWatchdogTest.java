package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog script for real, guarding a stand-in postmaster: a copy of sleep(1) named "postgres". */
class ProcessWatchdogTest {
    @TempDir
    Path dir;
    Process postmaster;
    Process bystander;

    @BeforeEach
    void startStandIn() throws Exception {
        Path fake = dir.resolve("postgres");
        Files.copy(Path.of("/bin/sleep"), fake);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        postmaster = new ProcessBuilder(fake.toString(), "600").start();
        bystander = new ProcessBuilder("sleep", "600").start();
    }

    @AfterEach
    void stopStandIn() throws Exception {
        for (Process p : new Process[] {postmaster, bystander}) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    static final int SIGQUIT_EXIT = 128 + 3;

    @Test
    void anArmedWatchdogThatHearsNothingStopsThePostmasterWithSigquit() throws Exception {
        try (ProcessWatchdog w = ProcessWatchdog.start(dir)) {
            w.keepAlive(postmaster.pid(), Duration.ofMillis(300));
            assertThat(postmaster.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(postmaster.exitValue()).isEqualTo(SIGQUIT_EXIT);
        }
    }

    @Test
    void checkInsInTimeAndThenDisarmingKeepThePostmasterRunning() throws Exception {
        try (ProcessWatchdog w = ProcessWatchdog.start(dir)) {
            long end = System.nanoTime() + Duration.ofMillis(3000).toNanos();
            while (System.nanoTime() < end) {
                w.keepAlive(postmaster.pid(), Duration.ofMillis(1500));
                Thread.sleep(100); // the agent's check-in interval: time passing is what this test is about
            }
            w.disarm();
            assertThat(postmaster.waitFor(2000, TimeUnit.MILLISECONDS)).as("postmaster exited").isFalse();
        }
        assertThat(postmaster.isAlive()).as("a clean close leaves PostgreSQL to the agent's own shutdown").isTrue();
    }

    @Test
    void theAgentDyingWhileArmedStopsThePostmasterAtOnce() throws Exception {
        Path script = dir.resolve("watchdog.sh");
        try (var in = ProcessWatchdog.class.getResourceAsStream("watchdog.sh")) {
            Files.copy(in, script);
        }
        Process watchdog = new ProcessBuilder("bash", script.toString()).start();
        try (OutputStream agent = watchdog.getOutputStream()) {
            agent.write(("arm " + postmaster.pid() + " 60\n").getBytes(StandardCharsets.US_ASCII));
        } // the pipe closes as it does when the agent's JVM dies
        assertThat(postmaster.waitFor(10, TimeUnit.SECONDS)).as("stopped long before the 60 s wait").isTrue();
        assertThat(postmaster.exitValue()).isEqualTo(SIGQUIT_EXIT);
        assertThat(watchdog.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(watchdog.getErrorStream().readAllBytes())).contains("the agent exited")
                .contains("postmaster " + postmaster.pid());
    }

    /** The script fed by hand: the test's own JVM must never be the agent it may kill. */
    Process script(Path dir) throws Exception {
        Path script = dir.resolve("watchdog.sh");
        try (var in = ProcessWatchdog.class.getResourceAsStream("watchdog.sh")) {
            Files.copy(in, script);
        }
        return new ProcessBuilder("bash", script.toString()).start();
    }

    static void send(OutputStream to, String line) throws Exception {
        to.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        to.flush();
    }

    @Test
    void anAgentThatSendsNothingAtAllIsKilledAfterStoppingItsPostmaster() throws Exception {
        Process watchdog = script(dir);
        OutputStream agent = watchdog.getOutputStream();
        try {
            send(agent, "alive " + bystander.pid() + " 0.500");
            send(agent, "arm " + postmaster.pid() + " 0.300");
            // nothing more, the pipe still open: a frozen JVM
            assertThat(postmaster.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(postmaster.exitValue()).isEqualTo(SIGQUIT_EXIT);
            assertThat(bystander.waitFor(10, TimeUnit.SECONDS)).as("the frozen agent").isTrue();
            assertThat(bystander.exitValue()).isEqualTo(128 + 9);
            assertThat(watchdog.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(watchdog.getErrorStream().readAllBytes()))
                    .contains("the agent (pid " + bystander.pid() + ") sent nothing for 0.500000 s: killed it");
        } finally {
            agent.close();
            watchdog.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAgentThatLivesButNoLongerVouchesForItsLeaseLosesItsPostmasterNotItsLife() throws Exception {
        Process watchdog = script(dir);
        OutputStream agent = watchdog.getOutputStream();
        try {
            send(agent, "arm " + postmaster.pid() + " 0.300");
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < end) {
                send(agent, "alive " + bystander.pid() + " 0.500");
                Thread.sleep(100); // the agent's check-in interval: time passing is what this test is about
            }
            assertThat(postmaster.waitFor(10, TimeUnit.SECONDS)).as("stopped when the arm ran out").isTrue();
            assertThat(bystander.isAlive()).as("an agent that keeps talking is not frozen").isTrue();
        } finally {
            agent.close();
            watchdog.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPidThatIsNotAPostmasterIsLeftAlone() throws Exception {
        try (ProcessWatchdog w = ProcessWatchdog.start(dir)) {
            w.keepAlive(bystander.pid(), Duration.ofMillis(200));
            assertThat(bystander.waitFor(1000, TimeUnit.MILLISECONDS)).as("sleep(1) is not PostgreSQL: it must outlive the timeout").isFalse();
            w.keepAlive(postmaster.pid(), Duration.ofMillis(200));
            assertThat(postmaster.waitFor(10, TimeUnit.SECONDS)).as("the watchdog still guards the next postmaster").isTrue();
        }
    }

    @Test
    void aWatchdogThatDiedIsStartedAgainOnTheNextCheckIn() throws Exception {
        try (ProcessWatchdog w = ProcessWatchdog.start(dir)) {
            long first = w.pid();
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false));
            w.keepAlive(postmaster.pid(), Duration.ofMillis(300));
            assertThat(w.pid()).isNotEqualTo(first);
            assertThat(postmaster.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
