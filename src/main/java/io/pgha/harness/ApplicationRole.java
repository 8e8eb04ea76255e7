package io.pgha.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Harness's role on the primary: it logs in and creates the databases its services migrate into (CREATEDB, so it
 * owns them), and nothing more: no superuser, no role management, no replication, no bypassing row security.
 */
public final class ApplicationRole {
    static final String ATTRIBUTES = "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS";

    private ApplicationRole() {}

    /** Creates the role, or brings an existing one to these attributes; sets the password. True when it was created. */
    public static boolean ensure(Connection superuser, String role, String password) throws HarnessException {
        try {
            boolean created = false;
            List<String> excess = excessRights(superuser, role);
            if (excess == null) {
                try (Statement st = superuser.createStatement()) {
                    st.execute("CREATE ROLE \"" + role + "\" " + ATTRIBUTES);
                    created = true;
                } catch (SQLException e) {
                    if (!"42710".equals(e.getSQLState())) throw e; // created meanwhile by a concurrent run
                    excess = excessRights(superuser, role);
                }
            }
            if (excess != null && !excess.isEmpty())
                throw new HarnessException("role " + role + " already exists with " + String.join(", ", excess)
                        + ": pgha harness does not take rights away from a role it did not make; choose another --user,"
                        + " or ALTER ROLE " + role + " NO" + String.join(" NO", excess) + " yourself first");
            if (!created) {
                try (Statement st = superuser.createStatement()) {
                    st.execute("ALTER ROLE \"" + role + "\" " + ATTRIBUTES);
                }
            }
            // the verifier is computed here, so the password never reaches the server or its log
            superuser.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
            return created;
        } catch (SQLException e) {
            throw new HarnessException("cannot create or update role " + role + " on the primary: "
                    + Sessions.firstLine(e.getMessage()));
        }
    }

    /** The rights an existing role has beyond what Harness needs (empty: none); null when there is no such role. */
    static List<String> excessRights(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT rolsuper, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                List<String> excess = new ArrayList<>();
                if (rs.getBoolean(1)) excess.add("SUPERUSER");
                if (rs.getBoolean(2)) excess.add("CREATEROLE");
                if (rs.getBoolean(3)) excess.add("REPLICATION");
                if (rs.getBoolean(4)) excess.add("BYPASSRLS");
                return excess;
            }
        }
    }

    /** Whether the server can install the timescaledb extension (Debian does not package it). */
    public static boolean timescaleAvailable(Connection c) throws HarnessException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")) {
            return rs.next();
        } catch (SQLException e) {
            throw new HarnessException("cannot list the primary's extensions: " + Sessions.firstLine(e.getMessage()));
        }
    }
}
