package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watch over a real process standing in for the postmaster. */
class PostmasterWatchTest {
    final AtomicReference<ProcessHandle> running = new AtomicReference<>();
    final PostmasterWatch watch = new PostmasterWatch(() -> Optional.ofNullable(running.get()));
    Process first;
    Process second;

    @AfterEach
    void stop() throws Exception {
        watch.close();
        for (Process p : new Process[] {first, second}) {
            if (p == null) continue;
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void callsBackOncePerPostmasterHoweverOftenItIsAsked() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        first = new ProcessBuilder("sleep", "600").start();
        running.set(first.toHandle());
        for (int i = 0; i < 5; i++) watch.watch(exits::incrementAndGet);
        first.destroy();
        await().atMost(Duration.ofSeconds(5)).until(() -> exits.get() == 1);

        second = new ProcessBuilder("sleep", "600").start();
        running.set(second.toHandle());
        watch.watch(exits::incrementAndGet);
        watch.watch(exits::incrementAndGet);
        second.destroy();
        await().atMost(Duration.ofSeconds(5)).until(() -> exits.get() == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> exits.get() == 2);
    }

    @Test
    void nothingToWatchWhenNoPostmasterRuns() {
        AtomicInteger exits = new AtomicInteger();
        watch.watch(exits::incrementAndGet);
        assertThat(exits).hasValue(0);
    }

    @Test
    void aClosedWatchNeverCallsBack() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        first = new ProcessBuilder("sleep", "600").start();
        running.set(first.toHandle());
        watch.watch(exits::incrementAndGet);
        watch.close();
        first.destroy();
        first.waitFor(5, TimeUnit.SECONDS);
        await().during(Duration.ofMillis(3 * PostmasterWatch.POLL_MILLIS)).atMost(Duration.ofSeconds(2))
                .until(() -> exits.get() == 0);
    }
}
