package io.pgha.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The few catalog questions dump, load and migrate ask of a server, and the DDL they run. */
public final class Catalog {
    private Catalog() {}

    /** Databases one can connect to that are not templates, in name order. */
    public static List<String> databases(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    public static Set<String> roles(Connection c) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rolname FROM pg_roles")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    /** True when the connected database holds a table, a sequence, a view or a large object of its users. */
    public static boolean holdsUserData(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT EXISTS (SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
                        + " WHERE k.relkind IN ('r','p','S','v','m','f') AND n.nspname NOT IN ('pg_catalog','information_schema')"
                        + " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%')"
                        + " OR EXISTS (SELECT 1 FROM pg_largeobject_metadata)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    public static boolean isSuperuser(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    public static String serverVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    public static boolean databaseExists(Connection c, String db) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Drops the database, ending its sessions first. */
    public static void dropDatabase(Connection c, String db) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + ident(db) + " WITH (FORCE)");
        }
    }

    public static void dropRole(Connection c, String role) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + ident(role));
        }
    }

    /** A quoted SQL identifier. */
    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A libpq conninfo value, quoted. */
    public static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
