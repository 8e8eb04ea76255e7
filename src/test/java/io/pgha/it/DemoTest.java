package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.demo.LocalCluster;
import io.pgha.postgres.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code pgha demo} as a user runs it: ready with a connection string, and SIGTERM leaves nothing behind. */
class DemoTest {
    @Test
    void demoBecomesReadyAndCleansUpEverythingOnSigterm() throws Exception {
        Path dir = Path.of("/tmp/pgha-demotest-" + ProcessHandle.current().pid());
        List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
        cmd.addAll(List.of("demo", "--port", "27432", "--dir", dir.toString()));
        Path output = Files.createTempFile("pgha-demotest-", ".out");
        Process demo = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!Files.readString(output).contains("Ctrl-C stops") && demo.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(output)).as("the demo is ready").contains("Ctrl-C stops");
            String out = Files.readString(output);
            assertThat(out).contains("one primary and two streaming standbys")
                    .contains("postgresql://postgres@127.0.0.1:27432,127.0.0.1:27433,127.0.0.1:27434/postgres?target_session_attrs=read-write")
                    .contains(" list --dcs 127.0.0.1:27532,127.0.0.1:27533,127.0.0.1:27534 --cluster demo")
                    .contains("| leader ").contains("streaming");
            demo.descendants().forEach(started::add);
            for (int i = 1; i <= 3; i++) {
                String pid = Files.readAllLines(dir.resolve("node" + i + "/data/postmaster.pid")).get(0).trim();
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(started::add);
            }
            assertThat(started).hasSizeGreaterThanOrEqualTo(9);
            assertThat(started).as("one store process per node, beside its agent")
                    .filteredOn(h -> cmdline(h).contains("io.pgha.Main store -c")).hasSize(3);
            demo.destroy();
            assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("demo stops on SIGTERM").isTrue();
            assertThat(Files.readString(output)).contains("stopping the demo").contains("removed " + dir);
            assertThat(Files.exists(dir)).as("demo data removed").isFalse();
            for (ProcessHandle h : started) {
                assertThat(Processes.isRunning(h)).as("process %d (%s) left running", h.pid(), h.info().command()).isFalse();
            }
        } finally {
            if (demo.isAlive()) demo.destroyForcibly();
            started.forEach(ProcessHandle::destroyForcibly);
            Files.deleteIfExists(output);
        }
    }

    /** The whole command line from /proc (ProcessHandle.Info gives none when it is longer than a page). */
    static String cmdline(ProcessHandle h) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(h.pid()), "cmdline")).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
