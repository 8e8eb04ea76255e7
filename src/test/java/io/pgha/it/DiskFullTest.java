package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.postgres.ManagedFiles;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.TestClusters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 9.5: each node's directory (data and store together, as the demo and a default install put them) on a
 * 300 MB filesystem of its own. With one standby stopped, WAL retained for it must not fill the primary's disk,
 * the store must keep its quorum, and writes must go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskFullTest {
    static final int PORT_BASE = 26510;
    static final long MB = 1L << 20;

    LocalCluster cluster;
    Properties props;
    final List<Path> mounted = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-diskfull-");
        cluster = new LocalCluster(dir, "diskfull", 3, PORT_BASE, LocalCluster.defaultJavaCommand(), Map.of());
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        for (int i = 0; i < cluster.size(); i++) {
            Files.createDirectories(cluster.nodeDir(i));
            run("mount", "-t", "tmpfs", "-o", "size=300m,mode=0755", "tmpfs", cluster.nodeDir(i).toString());
            mounted.add(cluster.nodeDir(i));
        }
        cluster.writeConfigs();
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        props = TestClusters.superuser(cluster);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (cluster != null) cluster.close();
        } finally {
            for (int i = 0; i < mounted.size(); i++) {
                Path logs = cluster.dir().resolve("logs-" + i);
                Files.createDirectories(logs);
                try {
                    Files.copy(cluster.agentLog(i), logs.resolve("agent.log"), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    // a node that never started has no log
                }
                run("umount", mounted.get(i).toString());
            }
            if (cluster != null && !Boolean.getBoolean("pgha.keep")) cluster.deleteFiles();
        }
    }

    @Test
    @Order(1)
    void walRetainedForAStoppedStandbyNeverFillsTheDiskAndTheStoreKeepsItsQuorum() throws Exception {
        int lead = cluster.leader().orElseThrow();
        int away = (lead + 1) % cluster.size();
        String slot = ManagedFiles.slotName(cluster.name(away));
        cluster.stopAgent(away);
        TestClusters.createAckedTable(cluster, props);

        StoreWatch store = new StoreWatch(cluster);
        long walWritten = 0;
        try (AckedWriter writer = new AckedWriter(cluster.jdbcUrl(), props, 1);
             Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            String restartLsnBefore = LostSlotTest.restartLsn(st, slot);
            store.start();
            // twice the filesystem's size in WAL: without the cap the retained WAL alone would fill it
            while (walWritten < 600 * MB) {
                st.execute("SELECT pg_logical_emit_message(false, 'fill', repeat('x', 1024 * 1024))"
                        + " FROM generate_series(1, 16)");
                st.execute("SELECT pg_switch_wal()");
                walWritten += 16 * MB;
                assertThat(Files.getFileStore(cluster.nodeDir(lead)).getUsableSpace()).as("free on the primary")
                        .isGreaterThan(16 * MB);
            }
            // invalidated, or already dropped and made anew by the leader past where the standby stopped
            String status = LostSlotTest.walStatus(st, slot);
            assertThat(status == null || status.equals("lost") || status.equals("unreserved")
                    || LostSlotTest.movedPast(st, slot, restartLsnBefore))
                    .as("the stopped standby's slot (" + status + ") no longer holds WAL from where it stopped").isTrue();
            long before = writer.count();
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.count() > before + 5);
        } finally {
            store.stop();
        }
        assertThat(store.longestGapMillis()).as("longest time the store did not answer").isLessThan(5_000);
        assertThat(cluster.leader()).hasValue(lead);

        cluster.start(away);
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);
    }

    /**
     * Something else fills the primary's disk to the last byte: the store keeps its quorum on its reserve, and writes
     * resume on the standby that has room.
     */
    @Test
    @Order(2)
    void aPrimaryWhoseDiskIsFullHandsOverAndTheStoreKeepsItsQuorum() throws Exception {
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);
        int lead = cluster.leader().orElseThrow();
        int away = (lead + 1) % cluster.size();
        cluster.stopAgent(away);
        Path filler = cluster.nodeDir(lead).resolve("filler");
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS acked (id int PRIMARY KEY)");
        }
        StoreWatch store = new StoreWatch(cluster);
        try (AckedWriter writer = new AckedWriter(cluster.jdbcUrl(), props, 1_000_000)) {
            store.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.count() > 10);
            long filledAt = System.currentTimeMillis();
            fill(filler);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> cluster.leader().filter(l -> l != lead).isPresent()
                            && writer.lastAcknowledgedAtMillis() > filledAt + 1000);
            System.out.printf("disk full at %d; new primary %s; writes resumed %d ms after the disk filled%n", filledAt,
                    cluster.name(cluster.leader().orElseThrow()), writer.lastAcknowledgedAtMillis() - filledAt);
        } finally {
            store.stop();
            Files.deleteIfExists(filler);
        }
        assertThat(store.longestGapMillis()).as("longest time the store did not answer").isLessThan(5_000);
        cluster.start(away);
        await().atMost(BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(cluster::healthy);
    }

    /** Writes zeros until the filesystem has no room left. */
    static void fill(Path file) throws IOException {
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            while (true) out.write(block);
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) throw e;
        }
    }

    /** Asks the store for the cluster's snapshot every 200 ms and keeps the longest time without an answer. */
    static final class StoreWatch {
        private final LocalCluster cluster;
        private final AtomicLong longestGap = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        StoreWatch(LocalCluster cluster) {
            this.cluster = cluster;
        }

        void start() {
            thread = Thread.ofPlatform().daemon().start(() -> {
                long answeredAt = System.currentTimeMillis();
                while (running) {
                    try {
                        cluster.snapshot();
                        answeredAt = System.currentTimeMillis();
                    } catch (Exception e) {
                        // not answering: the gap grows
                    }
                    longestGap.accumulateAndGet(System.currentTimeMillis() - answeredAt, Math::max);
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) thread.join(30_000);
        }

        long longestGapMillis() {
            return longestGap.get();
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
    }
}
