package io.pgha.demo;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.HistoryEntry;
import io.pgha.dcs.Member;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.Store;
import io.pgha.dcs.Stores;
import io.pgha.postgres.PgState;
import java.io.IOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

/** What a {@link LocalCluster} looks like from outside: the store's view, the leader, and whether replication is whole. */
final class ClusterQueries implements AutoCloseable {
    private final LocalCluster cluster;
    private Store store;

    ClusterQueries(LocalCluster cluster) {
        this.cluster = cluster;
    }

    ClusterSnapshot snapshot() throws StoreException {
        if (store == null) {
            store = Stores.openForClient(cluster.dcs(), cluster.cluster(), Duration.ofSeconds(20), Duration.ofSeconds(60));
        }
        return store.snapshot();
    }

    List<HistoryEntry> history() throws StoreException {
        snapshot();
        return store.history();
    }

    /** The leader's index, when one holds the lease and runs as primary. */
    static Optional<Integer> leader(ClusterSnapshot s) {
        if (s.leader() == null) return Optional.empty();
        Member m = s.members().get(s.leader().holder());
        if (m == null || !Member.LEADER.equals(m.role())) return Optional.empty();
        return Optional.of(Integer.parseInt(s.leader().holder().substring(4)) - 1);
    }

    /** One leader and every included member streaming from it, as the store and PostgreSQL itself both say. */
    boolean healthy(Predicate<Integer> include) {
        try {
            ClusterSnapshot s = snapshot();
            Optional<Integer> lead = leader(s);
            if (lead.isEmpty()) return false;
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                if (!include.test(i) || i == lead.get()) continue;
                String name = cluster.name(i);
                Member m = s.members().get(name);
                Member leaderRecord = s.members().get(s.leader().holder());
                if (m == null || !s.isAlive(name) || m.state() != PgState.STREAMING
                        || !s.leader().holder().equals(m.upstream()) || m.timeline() < leaderRecord.timeline()) return false;
                expected.add(name);
            }
            return primaryServes(lead.get(), expected);
        } catch (StoreException e) {
            return false;
        }
    }

    /** Asks node i's PostgreSQL: a primary, with {@code standbys} streaming from it. */
    private boolean primaryServes(int i, List<String> standbys) {
        Properties p = new Properties();
        try {
            p.setProperty("user", "postgres");
            p.setProperty("password", cluster.superuserPassword());
            p.setProperty("connectTimeout", "2");
            p.setProperty("socketTimeout", "5");
            String url = "jdbc:postgresql://" + cluster.host(i) + ":" + cluster.pgPort(i) + "/postgres";
            try (var c = DriverManager.getConnection(url, p);
                 var st = c.createStatement();
                 var rs = st.executeQuery("SELECT pg_is_in_recovery(), ARRAY(SELECT application_name FROM pg_stat_replication"
                         + " WHERE state = 'streaming')")) {
                rs.next();
                if (rs.getBoolean(1)) return false;
                List<String> streaming = List.of((String[]) rs.getArray(2).getArray());
                return streaming.containsAll(standbys);
            }
        } catch (IOException | SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
