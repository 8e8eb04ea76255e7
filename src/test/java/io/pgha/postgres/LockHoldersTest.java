package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A killed postmaster that is no longer the agent's child can stay a zombie until its new parent reaps it, and
 * PostgreSQL refuses to start while a lock file names an existing PID (seen in the fault suite: the start failed,
 * pg_rewind failed, the data was moved aside and re-cloned for nothing). Here a real zombie: bash forks a child that
 * exits a moment later, after bash has exec'd a sleep that never waits for it.
 */
class LockHoldersTest {
    @TempDir
    Path dir;

    record Zombie(Process parent, long pid) {}

    Zombie zombie() throws Exception {
        Process parent = new ProcessBuilder("bash", "-c", "sleep 0.2 & echo $!; exec sleep 60").start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine();
        long pid = Long.parseLong(line.strip());
        await().atMost(Duration.ofSeconds(5)).until(() -> Processes.isZombie(pid));
        return new Zombie(parent, pid);
    }

    @Test
    void aStartWaitsUntilTheKilledServerNamedByItsLockFilesIsReaped() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path run = Files.createDirectories(dir.resolve("data.run"));
        Zombie z = zombie();
        try {
            Files.writeString(run.resolve(".s.PGSQL.5432.lock"), z.pid() + "\n/tmp\n");
            Files.writeString(data.resolve("postmaster.pid"), "999999999\n" + data + "\n");
            assertThat(LockHolders.pids(data, run)).containsExactlyInAnyOrder(999999999L, z.pid());
            CompletableFuture<Void> start = CompletableFuture.runAsync(() -> {
                try {
                    LockHolders.awaitZombiesReaped(data, run, Duration.ofSeconds(30));
                } catch (PostgresException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(start).as("waiting while the zombie exists").isNotDone();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !start.isDone());
            z.parent().destroyForcibly().waitFor(); // its parent gone, init adopts the zombie and reaps it
            start.get(20, TimeUnit.SECONDS);
            assertThat(Processes.isZombie(z.pid())).isFalse();
        } finally {
            z.parent().destroyForcibly();
        }
    }

    @Test
    void aZombieNobodyReapsIsReportedWithItsParentAndTheFix() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Zombie z = zombie();
        try {
            Files.writeString(data.resolve("postmaster.pid"), z.pid() + "\n" + data + "\n");
            assertThatThrownBy(() -> LockHolders.awaitZombiesReaped(data, dir.resolve("absent.run"), Duration.ofMillis(500)))
                    .isInstanceOf(PostgresException.class)
                    .hasMessageContaining("process " + z.pid() + ", a PostgreSQL server that was killed, is still a zombie")
                    .hasMessageContaining("its parent (PID " + z.parent().pid() + ")")
                    .hasMessageContaining("systemd, or docker --init");
        } finally {
            z.parent().destroyForcibly().waitFor();
        }
    }
}
