package io.pgha.postgres;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cluster-wide settings through ALTER SYSTEM (persisted in postgresql.auto.conf) and a reload. */
final class ServerParameters {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final SqlSession sql;

    ServerParameters(SqlSession sql) {
        this.sql = sql;
    }

    void apply(Map<String, String> wanted, Set<String> previous) throws PostgresException {
        try (Statement st = sql.get().createStatement()) {
            for (String name : previous) {
                if (!wanted.containsKey(name)) st.execute("ALTER SYSTEM RESET " + SqlText.identifier(name));
            }
            for (var e : wanted.entrySet()) {
                st.execute("ALTER SYSTEM SET " + SqlText.identifier(e.getKey()) + " = " + SqlText.literal(e.getValue()));
            }
            st.execute("SELECT pg_reload_conf()");
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException(e.getMessage(), e);
        }
    }

    /**
     * When the WAL insert position is past what was flushed (an idle primary right after a segment switch), writes one
     * small record: a standby rewound to a recovery point there waits for WAL that would otherwise not come.
     */
    boolean nudgeWal() throws PostgresException {
        try (Statement st = sql.get().createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT CASE WHEN pg_current_wal_insert_lsn() > pg_current_wal_flush_lsn()"
                     + " THEN pg_logical_emit_message(false, 'pgha', 'a standby waits for its recovery point') END")) {
            rs.next();
            return rs.getString(1) != null;
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException("cannot write the WAL nudge: " + e.getMessage(), e);
        }
    }

    void setSynchronousStandbys(SyncNames names) throws PostgresException {
        try (Statement st = sql.get().createStatement()) {
            st.execute("ALTER SYSTEM SET synchronous_standby_names = " + SqlText.literal(names.format()));
            st.execute("SELECT pg_reload_conf()");
            log.info("synchronous_standby_names = '{}'", names.format());
        } catch (IOException | SQLException e) {
            sql.close();
            throw new PostgresException("cannot set synchronous_standby_names: " + e.getMessage(), e);
        }
    }
}
