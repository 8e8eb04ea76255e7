package io.pgha.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgha.routing.CallbackRunner.Outcome;
import io.pgha.routing.CallbackRunner.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: each callback is a small script, the user's program. */
class CallbackRunnerTest {
    static final Duration GENEROUS = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    final List<Long> leftovers = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        leftovers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void argumentsArriveAsActionRoleAndClusterWithoutAShell() throws Exception {
        Path out = dir.resolve("args");
        Path script = script("record.sh", "printf '%s\\n' \"$@\" > " + out);
        CallbackRunner runner = new CallbackRunner(Map.of("on_role_change", List.of(script.toString(), "--flag")), GENEROUS);

        Result result = runner.run("on_role_change", "primary", "my cluster; $(touch " + dir.resolve("pwned") + ")");

        assertThat(result.outcome()).isEqualTo(Outcome.EXITED);
        assertThat(result.succeeded()).isTrue();
        assertThat(Files.readAllLines(out))
                .containsExactly("--flag", "on_role_change", "primary", "my cluster; $(touch " + dir.resolve("pwned") + ")");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void theExitCodeIsReportedAndAFailureIsNotThrown() throws Exception {
        Path fails = script("fails.sh", "echo 'cannot reach the load balancer' >&2; exit 3");
        Path works = script("works.sh", "exit 0");
        CallbackRunner runner = new CallbackRunner(
                Map.of("on_stop", List.of(fails.toString()), "on_start", List.of(works.toString())), GENEROUS);

        Result failed = runner.run("on_stop", "replica", "demo");
        Result succeeded = runner.run("on_start", "replica", "demo");

        assertThat(failed.outcome()).isEqualTo(Outcome.EXITED);
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.succeeded()).isFalse();
        assertThat(succeeded.exitCode()).isZero();
        assertThat(succeeded.succeeded()).isTrue();
    }

    @Test
    void aHangingCallbackIsKilledAtItsTimeoutWithItsDescendants() throws Exception {
        Path childPid = dir.resolve("child.pid");
        Path script = script("hangs.sh", "sleep 300 & echo $! > " + childPid + "; wait");
        CallbackRunner runner = new CallbackRunner(Map.of("on_role_change", List.of(script.toString())), Duration.ofSeconds(1));

        Result result = assertTimeoutPreemptively(GENEROUS, () -> runner.run("on_role_change", "primary", "demo"));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.pid()).isPositive();
        assertThat(childPid).as("the callback forked its child before the timeout").exists();
        long child = Long.parseLong(Files.readString(childPid).trim());
        leftovers.addAll(List.of(result.pid(), child));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(running(result.pid())).as("callback pid %d", result.pid()).isFalse();
            assertThat(running(child)).as("its child pid %d", child).isFalse();
        });
    }

    @Test
    void aBackgroundChildHoldingTheOutputDoesNotHoldTheCaller() throws Exception {
        Path childPid = dir.resolve("daemon.pid");
        Path script = script("daemonizes.sh", "sleep 300 & echo $! > " + childPid + "; exit 0");
        CallbackRunner runner = new CallbackRunner(Map.of("on_start", List.of(script.toString())), GENEROUS);

        Result result = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> runner.run("on_start", "primary", "demo"));

        leftovers.add(Long.parseLong(Files.readString(childPid).trim()));
        assertThat(result.succeeded()).isTrue();
    }

    @Test
    void unknownEventsAreRefused() {
        CallbackRunner runner = new CallbackRunner(Map.of(), GENEROUS);

        assertThatThrownBy(() -> runner.run("on_reload", "primary", "demo"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("on_reload");
        assertThatThrownBy(() -> new CallbackRunner(Map.of("on_restart", List.of("/bin/true")), GENEROUS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("on_restart");
        assertThatThrownBy(() -> new CallbackRunner(Map.of("on_start", List.of()), GENEROUS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("on_start");
    }

    @Test
    void anEventWithoutCommandOrAMissingProgramIsReportedNotThrown() {
        CallbackRunner runner = new CallbackRunner(
                Map.of("on_stop", List.of(dir.resolve("no-such-program").toString())), GENEROUS);

        assertThat(runner.run("on_start", "replica", "demo").outcome()).isEqualTo(Outcome.NOT_CONFIGURED);
        assertThat(runner.run("on_stop", "replica", "demo").outcome()).isEqualTo(Outcome.NOT_STARTED);
    }

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** Alive and not a zombie: killed orphans wait for PID 1 to reap them, which may take a while or never come. */
    private static boolean running(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }
}
