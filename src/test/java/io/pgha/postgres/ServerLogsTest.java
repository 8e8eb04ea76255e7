package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL's log stays within postgres.log_files × postgres.log_file_size under a burst of errors. */
class ServerLogsTest {
    private static final int PORT = 24517;
    private static final long FILE_SIZE = 8 << 10;
    private static final int FILES = 4;
    private static final int ROUNDS = 40;
    private static final long BOUND = FILES * FILE_SIZE;
    /** The collector checks the size after each read from its pipe (up to 1 kB), so a file ends a little past the size. */
    private static final long SLACK = 8 << 10;
    /** PostgreSQL names files to the second, and a size rotation within the same second appends to the same name. */
    private static long sameSecondExcess(Map<String, Long> sizes) {
        return sizes.keySet().stream().max(String::compareTo).map(newest -> Math.max(0, sizes.get(newest) - FILE_SIZE)).orElse(0L);
    }

    @Test
    void pruningKeepsTheNewestFilesWithinCountAndTotalSize(@TempDir Path tmp) throws Exception {
        DataDirectory dir = new DataDirectory(tmp.resolve("data"), "postgres");
        Files.createDirectories(dir.runDir());
        for (int i = 0; i < 6; i++) {
            Path f = dir.runDir().resolve(ServerLogs.PREFIX + "2026-01-01_00000" + i + ".log");
            Files.write(f, new byte[i == 2 ? 40_000 : 1_000]);
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L + i * 1000L));
        }
        Files.writeString(dir.serverLog(), "start-up lines\n");

        new ServerLogs(dir, 10_000, 4).prune();

        // newest first: 5, 4, 3 (1 kB each); 2 (40 kB) would pass 4 × 10 kB in all; 1 would be a fifth file
        assertThat(collectorFiles(dir)).containsExactly(ServerLogs.PREFIX + "2026-01-01_000003.log",
                ServerLogs.PREFIX + "2026-01-01_000004.log", ServerLogs.PREFIX + "2026-01-01_000005.log");
        assertThat(dir.serverLog()).exists();
    }

    @Test
    void theServerLogStaysBoundedUnderABurstOfErrors(@TempDir Path tmp) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(tmp.resolve("su.pw"), "su-secret\n");
        Files.writeString(tmp.resolve("repl.pw"), "repl-secret\n");
        NodeConfig config = ConfigLoader.parse(yaml(tmp), tmp.resolve("pgha.yaml"));
        LocalPostgres pg = new LocalPostgres(config);
        DataDirectory dir = pg.dataDirectory();
        // a start-up log left over from before (or from many failed starts) is set aside, not appended to forever
        Files.createDirectories(dir.runDir());
        Files.writeString(dir.serverLog(), "an old line\n".repeat(10_000));
        try {
            pg.bootstrap();
            assertThat(Files.size(dir.runDir().resolve("postgresql.log.1"))).isEqualTo(120_000);
            assertThat(Files.readString(dir.serverLog())).contains("logging collector").hasSizeLessThan(4096);

            Properties props = new Properties();
            props.setProperty("user", "postgres");
            props.setProperty("password", "su-secret");
            String url = "jdbc:postgresql://127.0.0.1:" + PORT + "/postgres";
            Map<String, Long> written = new HashMap<>();
            long peakBeforePass = 0;
            long lastPassNanos = 0;
            long largestExcess = 0;
            try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
                for (int round = 0; round < ROUNDS; round++) {
                    // one round per second of the server's clock: files are named to the second
                    long second = System.currentTimeMillis() / 1000;
                    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                            .until(() -> System.currentTimeMillis() / 1000 > second);
                    // the first round is a spike: a whole second's worth lands in one file
                    int lines = round == 0 ? 300 : 25;
                    st.execute("DO $$ BEGIN FOR i IN 1.." + lines + " LOOP RAISE LOG 'pgha burst %: a chatty error"
                            + " that repeats', i; END LOOP; END $$");
                    failedLogins(url, 4);
                    String marker = "pgha-marker-" + round;
                    st.execute("DO $$ BEGIN RAISE LOG '" + marker + "'; END $$");
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                            .until(() -> anyContains(dir, marker));
                    sizes(dir).forEach((f, size) -> written.merge(f, size, Math::max));
                    peakBeforePass = Math.max(peakBeforePass, total(sizes(dir)));

                    // the agent prunes at most once a second, whatever its loop's pace
                    long previousPass = lastPassNanos;
                    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                            .until(() -> System.nanoTime() - previousPass > ServerLogs.PRUNE_EVERY_NANOS);
                    pg.observe(); // one pass of the agent's loop
                    lastPassNanos = System.nanoTime();

                    Map<String, Long> after = sizes(dir);
                    long excess = sameSecondExcess(after);
                    largestExcess = Math.max(largestExcess, excess);
                    assertThat(after.size()).as("files after pass %d: %s", round, after).isLessThanOrEqualTo(FILES);
                    assertThat(total(after)).as("bytes after pass %d: %s", round, after)
                            .isLessThanOrEqualTo(BOUND + SLACK + excess);
                }
            }
            Map<String, Long> end = sizes(dir);
            long allWritten = total(written);
            System.out.printf("server log: %d bytes written in %d files; after the last pass %d files, %d bytes"
                    + " (bound %d + %d); largest same-second excess of the newest file %d; peak between passes %d bytes%n",
                    allWritten, written.size(), end.size(), total(end), BOUND, SLACK, largestExcess, peakBeforePass);
            assertThat(end.size()).as("rotation happened").isGreaterThanOrEqualTo(2);
            assertThat(allWritten).as("the burst wrote far more than the bound").isGreaterThan(5 * BOUND);
            assertThat(Files.size(dir.serverLog())).as("the start-up log gets nothing once the collector runs")
                    .isLessThan(4096);
        } finally {
            pg.stop(true);
            pg.close();
        }
    }

    private static String yaml(Path tmp) {
        return """
                cluster: logs
                name: node1
                host: 127.0.0.1
                postgres:
                  data_dir: %s
                  port: %d
                  superuser_password_file: %s
                  replication_password_file: %s
                  allowed_client_cidrs: [127.0.0.0/8]
                  log_file_size: 8kB
                  log_files: 4
                  parameters: {shared_buffers: 16MB, max_connections: 20}
                dcs:
                  zookeeper: {embedded: false, connect: '127.0.0.1:2181'}
                """.formatted(tmp.resolve("data"), PORT, tmp.resolve("su.pw"), tmp.resolve("repl.pw"));
    }

    /** A client hammering a wrong password: one FATAL and its DETAIL per attempt. */
    private static void failedLogins(String url, int attempts) {
        Properties wrong = new Properties();
        wrong.setProperty("user", "postgres");
        wrong.setProperty("password", "wrong");
        for (int i = 0; i < attempts; i++) {
            assertThatThrownBy(() -> DriverManager.getConnection(url, wrong).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        }
    }

    private static boolean anyContains(DataDirectory dir, String marker) throws IOException {
        for (String f : collectorFiles(dir)) {
            try {
                if (Files.readString(dir.runDir().resolve(f)).contains(marker)) return true;
            } catch (java.nio.file.NoSuchFileException | java.nio.charset.MalformedInputException e) {
                // pruned meanwhile, or cut mid-character
            }
        }
        return false;
    }

    private static Map<String, Long> sizes(DataDirectory dir) throws IOException {
        Map<String, Long> out = new HashMap<>();
        for (String f : collectorFiles(dir)) out.put(f, Files.size(dir.runDir().resolve(f)));
        return out;
    }

    private static long total(Map<String, Long> sizes) {
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<String> collectorFiles(DataDirectory dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.runDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(ServerLogs.PREFIX)).sorted().toList();
        }
    }
}
