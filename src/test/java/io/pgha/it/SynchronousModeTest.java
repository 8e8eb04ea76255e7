package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (node1 hosts the only ZooKeeper peer, so stopping node2 keeps the store): with its only
 * standby gone, a non-strict primary goes on writing and says so; a strict one makes writes wait until
 * the standby is back.
 */
class SynchronousModeTest {
    static final Duration BOUND = Duration.ofSeconds(90);

    LocalCluster start(String name, int port, boolean strict) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-sync-");
        LocalCluster c = new LocalCluster(dir, name, 2, port, LocalCluster.defaultJavaCommand(),
                strict ? Map.of("synchronous_strict", "true") : Map.of());
        assertThat(c.busyPorts()).isEmpty();
        c.writeConfigs();
        c.start(0);
        await().atMost(BOUND).until(() -> c.leader().isPresent());
        c.start(1);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(c::healthy);
        await().atMost(BOUND).until(() -> c.snapshot().sync() != null && c.snapshot().sync().members().equals(List.of("node2")));
        return c;
    }

    static Connection connect(LocalCluster c) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", c.superuserPassword());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.pgPort(0) + "/postgres", p);
    }

    static void close(LocalCluster c) throws Exception {
        try {
            c.close();
        } finally {
            if (!Boolean.getBoolean("pgha.keep")) c.deleteFiles();
        }
    }

    @Test
    void nonStrictPrimaryKeepsWritingWithoutItsStandbyAndWarns() throws Exception {
        LocalCluster c = start("nonstrict", 30432, false);
        try {
            c.stopAgent(1);
            await().atMost(BOUND).until(() -> c.snapshot().sync().members().isEmpty());
            try (Connection conn = connect(c); Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE t (x int)");
                assertThat(st.executeUpdate("INSERT INTO t VALUES (1)")).isEqualTo(1);
            }
            assertThat(io.pgha.cli.ClusterTable.render(io.pgha.ha.ClusterReport.of("nonstrict", c.snapshot())))
                    .contains("WARNING: no synchronous standby: commits are acknowledged by node1 alone");
            assertThat(Files.readString(c.agentLog(0))).contains("NO SYNCHRONOUS STANDBY");
        } finally {
            close(c);
        }
    }

    @Test
    void strictPrimaryMakesWritesWaitUntilTheStandbyReturns() throws Exception {
        LocalCluster c = start("strict", 31432, true);
        try (Connection conn = connect(c); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE t (x int)");
            c.stopAgent(1);
            CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> {
                try {
                    return st.executeUpdate("INSERT INTO t VALUES (1)");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            // the negative half: the commit must still be waiting a while after the standby left
            try {
                insert.get(3, TimeUnit.SECONDS);
                throw new AssertionError("a commit was acknowledged with no synchronous standby in strict mode");
            } catch (TimeoutException expected) {
                // waiting, as strict mode promises
            }
            c.start(1);
            assertThat(insert.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            close(c);
        }
    }
}
