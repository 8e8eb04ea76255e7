package io.pgha.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives the application role a database copied in by {@code pgha migrate} and what is in it (schemas, tables,
 * views, sequences, routines, types, large objects), so that Harness's migrations can alter what they made before.
 * Objects of extensions and sequences that belong to a column stay with what owns them.
 */
public final class DatabaseHandover {
    private static final String NOT_SYSTEM = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";
    private static final String NOT_EXTENSION = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = %s::regclass"
            + " AND d.objid = %s AND d.deptype = 'e')";
    /** Each query yields the ALTER statements for one kind of object, the role bound as the only parameter. */
    private static final List<String> QUERIES = List.of(
            "SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, $1) FROM pg_namespace n WHERE " + NOT_SYSTEM
                    + " AND n.nspowner NOT IN ('pg_database_owner'::regrole, coalesce(to_regrole($1), 0)) AND "
                    + NOT_EXTENSION.formatted("'pg_namespace'", "n.oid"),
            "SELECT format('ALTER %s %s OWNER TO %I', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'"
                    + " WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass, $1)"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
                    + " AND " + NOT_SYSTEM + " AND c.relowner <> coalesce(to_regrole($1), 0)"
                    // a serial or identity sequence follows its table
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
                    + " AND d.deptype IN ('e', 'a', 'i'))",
            "SELECT format('ALTER %s %s OWNER TO %I', CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE'"
                    + " ELSE 'FUNCTION' END, p.oid::regprocedure, $1) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE " + NOT_SYSTEM + " AND p.proowner <> coalesce(to_regrole($1), 0) AND "
                    + NOT_EXTENSION.formatted("'pg_proc'", "p.oid"),
            "SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, $1) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    + " WHERE " + NOT_SYSTEM + " AND t.typowner <> coalesce(to_regrole($1), 0)"
                    + " AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND"
                    + " (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')) AND "
                    + NOT_EXTENSION.formatted("'pg_type'", "t.oid"),
            "SELECT format('ALTER LARGE OBJECT %s OWNER TO %I', l.oid, $1) FROM pg_largeobject_metadata l"
                    + " WHERE l.lomowner <> coalesce(to_regrole($1), 0)");

    private DatabaseHandover() {}

    /** Refuses a name that is not an existing user database of the cluster. */
    public static void requireUserDatabase(Connection maintenance, String db) throws HarnessException {
        if (List.of("postgres", "template0", "template1").contains(db))
            throw new HarnessException("--own-database " + db + ": that is a system database; name the databases"
                    + " pgha migrate copied from Harness's bundled PostgreSQL");
        try (PreparedStatement ps = maintenance.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next())
                    throw new HarnessException("--own-database " + db + ": no such database on the cluster; run pgha"
                            + " migrate first, or check the name with psql -l");
            }
        } catch (SQLException e) {
            throw new HarnessException("cannot list the cluster's databases: " + Sessions.firstLine(e.getMessage()));
        }
    }

    /** Makes {@code role} the owner of the database ({@code inDb} is connected to it) and of what it holds; returns the count changed. */
    public static int handOver(Connection maintenance, Connection inDb, String db, String role) throws HarnessException {
        try {
            List<String> alters = new ArrayList<>();
            for (String q : QUERIES) {
                try (PreparedStatement ps = inDb.prepareStatement(q.replace("$1", "?::text"))) {
                    for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) ps.setString(i, role);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) alters.add(rs.getString(1));
                    }
                }
            }
            inDb.setAutoCommit(false);
            try (Statement st = inDb.createStatement()) {
                for (String a : alters) st.execute(a);
            }
            inDb.commit();
            String alterDatabase = "SELECT format('ALTER DATABASE %I OWNER TO %I', ?::text, ?::text)";
            try (PreparedStatement ps = maintenance.prepareStatement(alterDatabase)) {
                ps.setString(1, db);
                ps.setString(2, role);
                try (ResultSet rs = ps.executeQuery(); Statement st = maintenance.createStatement()) {
                    rs.next();
                    st.execute(rs.getString(1));
                }
            }
            return alters.size() + 1;
        } catch (SQLException e) {
            throw new HarnessException("cannot give database " + db + " to role " + role + ": " + Sessions.firstLine(e.getMessage())
                    + " (nothing in it changed owner)");
        }
    }
}
