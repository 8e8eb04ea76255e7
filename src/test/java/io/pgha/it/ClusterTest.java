package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.demo.LocalCluster;
import io.pgha.postgres.PgState;
import io.pgha.postgres.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three agents as separate processes, real PostgreSQL 15 and the embedded ZooKeeper quorum: bootstrap,
 * failover after kill -9 of the primary node, rejoin of the old primary, and a PostgreSQL-only crash.
 * The steps share one cluster and run in order, as an operator's day would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    static final Duration BOUND = Duration.ofSeconds(90);

    LocalCluster cluster;
    final Set<Long> startedPids = new HashSet<>();
    int killed = -1;
    int newLeader = -1;
    final List<Integer> confirmed = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-it-");
        cluster = new LocalCluster(dir, "it", 3, 25432, LocalCluster.defaultJavaCommand(), Map.of());
        assertThat(cluster.busyPorts()).as("ports the test needs").isEmpty();
        cluster.writeConfigs();
        cluster.startAll();
        for (int i = 0; i < 3; i++) cluster.agent(i).ifPresent(p -> startedPids.add(p.pid()));
    }

    @AfterAll
    void stop() throws Exception {
        for (int i = 0; i < 3; i++) {
            cluster.postmaster(i).ifPresent(h -> startedPids.add(h.pid()));
            // the agents' children: PostgreSQL's processes and the watchdog
            cluster.agent(i).ifPresent(p -> p.descendants().forEach(h -> startedPids.add(h.pid())));
        }
        try {
            cluster.close();
            for (long pid : startedPids) {
                assertThat(ProcessHandle.of(pid).filter(Processes::isRunning)).as("process %d left running", pid).isEmpty();
            }
        } finally {
            if (!Boolean.getBoolean("pgha.keep")) cluster.deleteFiles();
        }
    }

    Connection connect(int node) throws SQLException, java.io.IOException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", cluster.superuserPassword());
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "10");
        String url = node < 0 ? cluster.jdbcUrl() : "jdbc:postgresql://127.0.0.1:" + cluster.pgPort(node) + "/postgres";
        return DriverManager.getConnection(url, p);
    }

    Set<Integer> ids(int node) throws Exception {
        Set<Integer> out = new HashSet<>();
        try (Connection c = connect(node); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM acked")) {
            while (rs.next()) out.add(rs.getInt(1));
        }
        return out;
    }

    int leader() throws Exception {
        return cluster.leader().orElseThrow();
    }

    void awaitHealthy(java.util.function.Predicate<Integer> include) {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> cluster.healthy(include));
    }

    /**
     * Inserts ids [from, to) through the multi-host URL; returns those acknowledged. Retrying after a failure
     * part-way is safe: ids a lost connection had already committed are not inserted twice.
     */
    List<Integer> write(int from, int to) throws Exception {
        List<Integer> acked = new ArrayList<>();
        try (Connection c = connect(-1); var ps = c.prepareStatement("INSERT INTO acked VALUES (?) ON CONFLICT DO NOTHING")) {
            for (int id = from; id < to; id++) {
                ps.setInt(1, id);
                ps.executeUpdate();
                acked.add(id);
            }
        }
        return acked;
    }

    @Test
    @Order(1)
    void bootstrapsOneLeaderAndTwoStreamingStandbysThatServeItsWrites() throws Exception {
        awaitHealthy(i -> true);
        ClusterSnapshot s = cluster.snapshot();
        long leaders = s.members().values().stream().filter(m -> Member.LEADER.equals(m.role())).count();
        long streaming = s.members().values().stream().filter(m -> m.state() == PgState.STREAMING).count();
        assertThat(leaders).isEqualTo(1);
        assertThat(streaming).isEqualTo(2);
        try (Connection c = connect(leader()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE acked (id int PRIMARY KEY)");
        }
        confirmed.addAll(write(0, 100));
        for (int i = 0; i < 3; i++) {
            if (i == leader()) continue;
            int node = i;
            await().atMost(BOUND).until(() -> ids(node).containsAll(confirmed));
            try (Connection c = connect(node); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("node %d is a standby", node).isTrue();
            }
        }
        for (int i = 0; i < 3; i++) {
            cluster.postmaster(i).ifPresent(h -> startedPids.add(h.pid()));
            // the agents' children: PostgreSQL's processes and the watchdog
            cluster.agent(i).ifPresent(p -> p.descendants().forEach(h -> startedPids.add(h.pid())));
        }
    }

    @Test
    @Order(2)
    void killingThePrimaryNodePromotesAStandbyWithEveryConfirmedWrite() throws Exception {
        int old = leader();
        confirmed.addAll(write(100, 300));
        for (int i = 0; i < 3; i++) {
            if (i == old) continue;
            int node = i;
            await().atMost(BOUND).until(() -> ids(node).containsAll(confirmed));
        }
        cluster.killNode(old);
        killed = old;
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.leader().filter(l -> l != old).isPresent());
        newLeader = leader();
        List<Integer> after = new ArrayList<>();
        await().atMost(BOUND).ignoreExceptions().until(() -> {
            after.addAll(write(1000, 1010));
            return true;
        });
        assertThat(ids(newLeader)).containsAll(confirmed).containsAll(after);
        confirmed.addAll(after);
        awaitHealthy(i -> i != old);
        int other = 3 - old - newLeader;
        await().atMost(BOUND).until(() -> ids(other).containsAll(after));
    }

    @Test
    @Order(3)
    void theOldPrimaryRejoinsAsAStandbyOnTheNewTimeline() throws Exception {
        assertThat(killed).as("the failover step ran").isGreaterThanOrEqualTo(0);
        cluster.start(killed);
        cluster.agent(killed).ifPresent(p -> startedPids.add(p.pid()));
        awaitHealthy(i -> true);
        ClusterSnapshot s = cluster.snapshot();
        Member back = s.members().get(cluster.name(killed));
        Member lead = s.members().get(s.leader().holder());
        assertThat(back.role()).isEqualTo(Member.REPLICA);
        assertThat(back.state()).isEqualTo(PgState.STREAMING);
        assertThat(back.upstream()).isEqualTo(lead.name());
        await().atMost(BOUND).until(() -> cluster.snapshot().members().get(cluster.name(killed)).timeline() == lead.timeline());
        assertThat(lead.timeline()).isEqualTo(2);
        int node = killed;
        await().atMost(BOUND).until(() -> ids(node).containsAll(confirmed));
        cluster.postmaster(killed).ifPresent(h -> startedPids.add(h.pid()));
    }

    @Test
    @Order(4)
    void aPostgresCrashOnThePrimaryIsRestartedInPlace() throws Exception {
        int lead = leader();
        long before = cluster.postmaster(lead).orElseThrow().pid();
        cluster.killPostgres(lead);
        List<Integer> after = new ArrayList<>();
        await().atMost(BOUND).ignoreExceptions().pollInterval(Duration.ofMillis(100)).until(() -> {
            after.addAll(write(2000, 2010));
            return true;
        });
        await().atMost(BOUND).until(() -> cluster.leader().isPresent());
        assertThat(leader()).as("the same node leads").isEqualTo(lead);
        long now = cluster.postmaster(lead).orElseThrow().pid();
        startedPids.add(now);
        assertThat(now).as("a new postmaster").isNotEqualTo(before);
        assertThat(ids(lead)).containsAll(confirmed).containsAll(after);
        awaitHealthy(i -> true);
    }

    record Cli(int exit, String out, String err) {}

    Cli pgha(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes());
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Cli(p.exitValue(), out, err.get());
    }

    @Test
    @Order(5)
    void listPrintsTheClusterAsJson() throws Exception {
        Cli r = pgha("list", "-c", cluster.configFile(0).toString(), "-o", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(json.get("cluster").asText()).isEqualTo("it");
        assertThat(json.get("leader").asText()).isEqualTo(cluster.name(leader()));
        assertThat(json.get("members")).hasSize(3);
        for (var m : json.get("members")) {
            assertThat(m.get("role").asText()).isIn("leader", "replica");
            assertThat(m.get("state").asText()).isIn("running", "streaming");
            assertThat(m.get("timeline").asLong()).isEqualTo(2);
            assertThat(m.get("lag_bytes").isNumber()).isTrue();
            for (String f : List.of("name", "host", "port", "api_url")) assertThat(m.has(f)).as(f).isTrue();
        }
        Cli table = pgha("list", "--dcs", cluster.zkConnect(), "--cluster", "it");
        assertThat(table.out()).contains("Cluster: it").contains("| leader ").contains("streaming");
    }

    @Test
    @Order(6)
    void aRemovedMembersSlotIsDroppedButNotWhileItIsAlive() throws Exception {
        int lead = leader();
        try (var ghost = new io.pgha.dcs.ZookeeperStore(cluster.zkConnect(), "it", Duration.ofSeconds(5))) {
            ghost.start(Duration.ofSeconds(30));
            ghost.publish(new Member("ghost", "127.0.0.1", 1, "", Member.REPLICA, PgState.STREAMING, 2, 0, false, 0,
                    List.of(), null, System.currentTimeMillis()));
            await().atMost(BOUND).until(() -> slots(lead).contains("ghost"));
            Cli refused = pgha("remove", "ghost", "-c", cluster.configFile(0).toString());
            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.err()).contains("ghost's agent is running; stop it first");
        }
        await().atMost(BOUND).until(() -> !cluster.snapshot().isAlive("ghost"));
        Cli removed = pgha("remove", "ghost", "-c", cluster.configFile(0).toString());
        assertThat(removed.exit()).as(removed.err()).isZero();
        await().atMost(BOUND).until(() -> !slots(lead).contains("ghost"));
        assertThat(slots(lead)).hasSize(2);
    }

    Set<String> slots(int node) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = connect(node); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT slot_name FROM pg_replication_slots")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    @Order(7)
    void aPrimaryThatLosesTheStoreQuorumStopsTakingWritesAndTheClusterHealsAfterwards() throws Exception {
        int lead = leader();
        long pm = cluster.postmaster(lead).orElseThrow().pid();
        for (int i = 0; i < 3; i++) if (i != lead) cluster.killNode(i);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(50))
                .until(() -> ProcessHandle.of(pm).filter(Processes::isRunning).isEmpty());
        for (int i = 0; i < 3; i++) {
            if (i == lead) continue;
            cluster.start(i);
            cluster.agent(i).ifPresent(p -> startedPids.add(p.pid()));
        }
        awaitHealthy(i -> true);
        List<Integer> after = write(3000, 3010);
        int now = leader();
        assertThat(ids(now)).containsAll(confirmed).containsAll(after);
        for (int i = 0; i < 3; i++) {
            cluster.postmaster(i).ifPresent(h -> startedPids.add(h.pid()));
            // the agents' children: PostgreSQL's processes and the watchdog
            cluster.agent(i).ifPresent(p -> p.descendants().forEach(h -> startedPids.add(h.pid())));
        }
    }

    @Test
    @Order(8)
    void aPausedClusterDoesNotFailOverUntilResumed() throws Exception {
        awaitHealthy(i -> true);
        Cli paused = pgha("pause", "-c", cluster.configFile(0).toString());
        assertThat(paused.exit()).as(paused.err()).isZero();
        await().atMost(BOUND).until(() -> cluster.snapshot().paused());
        int old = leader();
        cluster.killNode(old);
        await().atMost(BOUND).until(() -> cluster.snapshot().leader() == null);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> cluster.snapshot().leader() == null);
        assertThat(pgha("list", "-c", cluster.configFile((old + 1) % 3).toString()).out()).contains("maintenance mode");
        Cli resumed = pgha("resume", "-c", cluster.configFile((old + 1) % 3).toString());
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        await().atMost(BOUND).until(() -> cluster.leader().filter(l -> l != old).isPresent());
        cluster.start(old);
        cluster.agent(old).ifPresent(p -> startedPids.add(p.pid()));
        awaitHealthy(i -> true);
        Cli history = pgha("history", "-c", cluster.configFile(0).toString());
        assertThat(history.out()).contains("failover from " + cluster.name(old));
        for (int i = 0; i < 3; i++) {
            cluster.postmaster(i).ifPresent(h -> startedPids.add(h.pid()));
            // the agents' children: PostgreSQL's processes and the watchdog
            cluster.agent(i).ifPresent(p -> p.descendants().forEach(h -> startedPids.add(h.pid())));
        }
    }

    String show(int node, String parameter) throws Exception {
        try (Connection c = connect(node); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + parameter)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    @Order(9)
    void editConfigReachesEveryMemberAndSaysWhenARestartIsPending() throws Exception {
        awaitHealthy(i -> true);
        Cli bad = pgha("edit-config", "-c", cluster.configFile(0).toString(), "--set", "work_mme=8MB", "--set", "port=1");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("work_mme is not a PostgreSQL parameter").contains("port is managed by pgha");
        Cli ok = pgha("edit-config", "-c", cluster.configFile(0).toString(), "--set", "work_mem=8MB", "--set", "shared_buffers=48MB");
        assertThat(ok.exit()).as(ok.err()).isZero();
        for (int i = 0; i < 3; i++) {
            int node = i;
            await().atMost(BOUND).until(() -> show(node, "work_mem").equals("8MB"));
        }
        await().atMost(BOUND).until(() -> pgha("list", "-c", cluster.configFile(0).toString()).out().contains("restart pending"));
        assertThat(pgha("show-config", "-c", cluster.configFile(0).toString()).out()).contains("work_mem: '8MB'");
        Cli unset = pgha("edit-config", "-c", cluster.configFile(0).toString(), "--unset", "shared_buffers", "--unset", "work_mem");
        assertThat(unset.exit()).as(unset.err()).isZero();
        for (int i = 0; i < 3; i++) {
            int node = i;
            await().atMost(BOUND).until(() -> show(node, "work_mem").equals("4MB"));
        }
    }

    @Test
    @Order(10)
    void reinitRebuildsAStandbyAndKeepsItsOldDataAside() throws Exception {
        awaitHealthy(i -> true);
        int node = (leader() + 1) % 3;
        Cli r = pgha("reinit", cluster.name(node), "-c", cluster.configFile(0).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        await().atMost(BOUND).until(() -> {
            try (var s = Files.list(cluster.nodeDir(node))) {
                return s.anyMatch(p -> p.getFileName().toString().startsWith("data.moved-"));
            }
        });
        awaitHealthy(i -> true);
        await().atMost(BOUND).until(() -> ids(node).containsAll(confirmed));
        assertThat(cluster.snapshot().reinit()).isEmpty();
        Cli leaderRefused = pgha("reinit", cluster.name(leader()), "-c", cluster.configFile(0).toString());
        assertThat(leaderRefused.exit()).isEqualTo(1);
        assertThat(leaderRefused.err()).contains("is the leader");
        cluster.postmaster(node).ifPresent(h -> startedPids.add(h.pid()));
    }

    @Test
    @Order(11)
    void aManualFailoverPromotesTheChosenStandbyWhileNobodyLeads() throws Exception {
        awaitHealthy(i -> true);
        assertThat(pgha("pause", "-c", cluster.configFile(0).toString()).exit()).isZero();
        await().atMost(BOUND).until(() -> cluster.snapshot().paused());
        int old = leader();
        int chosen = (old + 2) % 3;
        Cli refused = pgha("failover", "--candidate", cluster.name(chosen), "-c", cluster.configFile(chosen).toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("holds the lease and leads: use switchover");
        cluster.killNode(old);
        await().atMost(BOUND).until(() -> cluster.snapshot().leader() == null);
        Cli r = pgha("failover", "--candidate", cluster.name(chosen), "-c", cluster.configFile(chosen).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(cluster.name(chosen) + " is the primary");
        assertThat(pgha("resume", "-c", cluster.configFile(chosen).toString()).exit()).isZero();
        cluster.start(old);
        cluster.agent(old).ifPresent(p -> startedPids.add(p.pid()));
        awaitHealthy(i -> true);
        assertThat(leader()).isEqualTo(chosen);
        assertThat(pgha("history", "-c", cluster.configFile(0).toString()).out()).contains("manual failover from " + cluster.name(old));
        for (int i = 0; i < 3; i++) {
            cluster.postmaster(i).ifPresent(h -> startedPids.add(h.pid()));
            // the agents' children: PostgreSQL's processes and the watchdog
            cluster.agent(i).ifPresent(p -> p.descendants().forEach(h -> startedPids.add(h.pid())));
        }
    }

    @Test
    @Order(12)
    void aRollingRestartAppliesARestartOnlyParameterEverywhere() throws Exception {
        awaitHealthy(i -> true);
        Cli set = pgha("edit-config", "-c", cluster.configFile(0).toString(), "--set", "max_connections=60");
        assertThat(set.exit()).as(set.err()).isZero();
        await().atMost(BOUND).until(() -> pgha("list", "-c", cluster.configFile(0).toString()).out().contains("restart pending"));
        Cli r = pgha("restart", "-c", cluster.configFile(0).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.endsWith(" is back")).count()).isEqualTo(3);
        awaitHealthy(i -> true);
        for (int i = 0; i < 3; i++) assertThat(show(i, "max_connections")).isEqualTo("60");
        await().atMost(BOUND).until(() -> !pgha("list", "-c", cluster.configFile(0).toString()).out().contains("restart pending"));
        for (int i = 0; i < 3; i++) {
            cluster.postmaster(i).ifPresent(h -> startedPids.add(h.pid()));
            // the agents' children: PostgreSQL's processes and the watchdog
            cluster.agent(i).ifPresent(p -> p.descendants().forEach(h -> startedPids.add(h.pid())));
        }
    }
}
