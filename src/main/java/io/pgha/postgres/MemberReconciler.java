package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Primary: one physical slot per other member, slots of removed members dropped, pg_hba for members' addresses. */
final class MemberReconciler {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final NodeConfig config;
    private final ManagedConfig files;
    private final SqlSession sql;

    MemberReconciler(NodeConfig config, ManagedConfig files, SqlSession sql) {
        this.config = config;
        this.files = files;
        this.sql = sql;
    }

    void reconcile(Map<String, String> memberAddresses) throws PostgresException {
        try {
            List<String> addresses = new ArrayList<>();
            for (String host : memberAddresses.values()) addresses.add(Addresses.resolve(host));
            addresses.add(Addresses.resolve(config.host()));
            Set<String> wanted = wantedSlots(memberAddresses.keySet(), config.name());
            Connection c = sql.get();
            if (files.writeHba(new HashSet<>(addresses))) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_reload_conf()");
                }
            }
            Set<String> existing = new HashSet<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT slot_name, wal_status = 'lost' FROM pg_replication_slots WHERE slot_type = 'physical'")) {
                while (rs.next()) {
                    if (rs.getBoolean(2) && dropInvalidated(c, rs.getString(1))) continue;
                    existing.add(rs.getString(1));
                }
            }
            for (String slot : wanted) {
                if (!existing.contains(slot)) {
                    try (var ps = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
                        ps.setString(1, slot);
                        ps.execute();
                    }
                    log.info("created replication slot {}", slot);
                }
            }
            for (String slot : existing) {
                if (!wanted.contains(slot)) {
                    try (var ps = c.prepareStatement(
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                        ps.setString(1, slot);
                        ps.execute();
                    }
                    log.info("dropped replication slot {} of a member no longer in the cluster", slot);
                }
            }
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException("cannot reconcile slots and pg_hba: " + e.getMessage(), e);
        }
    }

    /**
     * A slot whose standby fell more than max_slot_wal_keep_size behind is invalidated for good: dropped here so it is
     * made anew, and the standby (whose WAL is gone) is re-cloned through it. Still in use: left for the next pass.
     */
    private static boolean dropInvalidated(Connection c, String slot) throws SQLException {
        try (var ps = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
            }
        }
        log.warn("replication slot {} was invalidated (its standby fell more than max_slot_wal_keep_size behind):"
                + " dropped to be made anew; that standby needs a fresh clone", slot);
        return true;
    }

    /** The slots this server keeps: one per member other than itself. */
    static Set<String> wantedSlots(Set<String> members, String me) {
        Set<String> wanted = new HashSet<>();
        for (String m : members) {
            if (!m.equals(me)) wanted.add(ManagedFiles.slotName(m));
        }
        return wanted;
    }
}
