package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.dcs.HistoryEntry;
import io.pgha.demo.LocalCluster;
import io.pgha.postgres.Processes;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.TestClusters;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9.4: every PostgreSQL process of the primary stopped (a hung disk looks the same) while its agent runs. The
 * agent sees its queries time out, kills PostgreSQL for good and only then gives the lease up; asynchronous mode,
 * where a stalled primary that woke up later would be a split brain, as well as the default.
 */
class HungPrimaryTest {
    static final int PORT_BASE = 22432;

    @ParameterizedTest(name = "synchronous_mode: {0}")
    @ValueSource(strings = {"quorum", "off"})
    void aHungPrimaryIsKilledBeforeItsLeaseIsHandedOver(String synchronousMode) throws Exception {
        LocalCluster cluster = TestClusters.startHealthy("hung-" + synchronousMode, PORT_BASE,
                Map.of("synchronous_mode", synchronousMode));
        List<ProcessHandle> stalled = new ArrayList<>();
        try {
            Properties props = TestClusters.superuser(cluster);
            TestClusters.createAckedTable(cluster, props);
            int old = cluster.leader().orElseThrow();
            String direct = "jdbc:postgresql://" + cluster.host(old) + ":" + cluster.pgPort(old) + "/postgres";
            AckedWriter toOldPrimary = new AckedWriter(direct, props, 0);
            HistoryEntry promotion;
            try {
                await().atMost(BOUND).until(() -> toOldPrimary.count() > 50);
                ProcessHandle postmaster = cluster.postmaster(old).orElseThrow();
                LocalCluster.signal(postmaster.pid(), "STOP");
                stalled.add(postmaster);
                for (ProcessHandle child : postmaster.descendants().toList()) {
                    LocalCluster.signal(child.pid(), "STOP");
                    stalled.add(child);
                }
                await().atMost(BOUND).pollInterval(Duration.ofMillis(50))
                        .until(() -> cluster.leader().filter(l -> l != old).isPresent());
                assertThat(stalled.stream().filter(Processes::isRunning).map(ProcessHandle::pid).toList())
                        .as("processes of the hung primary still alive once another node leads").isEmpty();
                int now = cluster.leader().orElseThrow();
                await().atMost(BOUND).until(() -> cluster.history().stream().anyMatch(h -> h.member().equals(cluster.name(now))));
                List<HistoryEntry> history = cluster.history();
                promotion = history.get(history.size() - 1);
            } finally {
                toOldPrimary.close();
            }
            assertThat(toOldPrimary.lastAcknowledgedAtMillis())
                    .as("the old primary's last acknowledged write (ms) against the new primary's promotion (ms)")
                    .isLessThan(promotion.atMillis());
            assertThat(Files.readString(cluster.agentLog(old))).contains("KillAndRelease").contains("PostgreSQL killed");
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        } finally {
            for (ProcessHandle p : stalled) {
                if (Processes.isRunning(p)) LocalCluster.signal(p.pid(), "CONT");
            }
            TestClusters.stop(cluster);
        }
    }
}
