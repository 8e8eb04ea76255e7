package io.pgha.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/** The set-up and tear-down the cluster tests share: agents as processes under /tmp, waited for with a bound. */
public final class TestClusters {
    public static final Duration BOUND = Duration.ofSeconds(90);

    private TestClusters() {}

    /** Three agents on ports from {@code portBase}, started and waited for until one primary and two standbys stream. */
    public static LocalCluster startHealthy(String name, int portBase, Map<String, String> haSettings) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-" + name + "-");
        LocalCluster cluster = new LocalCluster(dir, name, 3, portBase, LocalCluster.defaultJavaCommand(), haSettings);
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        cluster.writeConfigs();
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        return cluster;
    }

    /** The superuser's connection properties, with a socket timeout so a dead node cannot hang a test. */
    public static Properties superuser(LocalCluster cluster) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", cluster.superuserPassword());
        props.setProperty("socketTimeout", "10");
        props.setProperty("connectTimeout", "2");
        return props;
    }

    /** The table {@link AckedWriter} writes to, created on the primary. */
    public static void createAckedTable(LocalCluster cluster, Properties props) throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE acked (id int PRIMARY KEY)");
        }
    }

    /** Stops every process the cluster started and removes its files (kept with -Dpgha.keep=true). */
    public static void stop(LocalCluster cluster) throws Exception {
        if (cluster == null) return;
        try {
            cluster.close();
        } finally {
            if (!Boolean.getBoolean("pgha.keep")) cluster.deleteFiles();
        }
    }
}
