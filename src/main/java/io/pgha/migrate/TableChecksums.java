package io.pgha.migrate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A row count and a content checksum per table of one database, comparable between two servers.
 *
 * <p>The checksum is {@code md5(string_agg(md5(t::text), ',' ORDER BY md5(t::text) COLLATE "C"))}: every row
 * rendered as text (with the session's time zone, date and float formats pinned, so both sides render alike),
 * hashed, the hashes sorted so row order does not matter. Cost: one full scan of every table on each side,
 * plus a sort of 33 bytes per row (spilling to temp files past work_mem); roughly the time of a
 * {@code SELECT count(*)} plus hashing. Fine for tens of millions of rows; a very large database takes
 * correspondingly long, and tables over about 30 million rows exceed string_agg's 1 GB limit and fail.
 * Sequences are compared by their value ({@code last_value:is_called}), large objects as one pseudo-table
 * ("(large objects)") of OIDs and content hashes.
 */
public final class TableChecksums {
    public static final String LARGE_OBJECTS = "(large objects)";

    /** One table's figures; {@code checksum} is null for a table that is not there. */
    public record Sum(String table, long rows, String checksum) {}

    private TableChecksums() {}

    /** The tables, materialized views and sequences of user schemas, in name order. */
    public static List<String> relations(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT format('%I.%I', n.nspname, k.relname) || CASE k.relkind WHEN 'S' THEN ' (sequence)' ELSE '' END"
                        + " FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
                        + " WHERE k.relkind IN ('r','m','S') AND n.nspname NOT IN ('pg_catalog','information_schema')"
                        + " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'"
                        + " ORDER BY n.nspname COLLATE \"C\", k.relname COLLATE \"C\"")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        if (hasLargeObjects(c)) out.add(LARGE_OBJECTS);
        return out;
    }

    /** Pins the settings that change how a row renders as text. */
    public static void pinRendering(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
                    + " SET extra_float_digits = 1; SET bytea_output = 'hex'");
        }
    }

    /** The figures of one relation as {@link #relations} names it. */
    public static Sum of(Connection c, String relation) throws SQLException {
        String sql;
        if (relation.equals(LARGE_OBJECTS)) {
            sql = "SELECT count(*), coalesce(md5(string_agg(oid::text || ':' || md5(lo_get(oid)), ',' ORDER BY oid)), '')"
                    + " FROM pg_largeobject_metadata";
        } else if (relation.endsWith(" (sequence)")) {
            String name = relation.substring(0, relation.length() - " (sequence)".length());
            sql = "SELECT 1, last_value::text || ':' || is_called::text FROM " + name;
        } else {
            sql = "SELECT count(*), coalesce(md5(string_agg(md5(t::text), ',' ORDER BY md5(t::text) COLLATE \"C\")), '')"
                    + " FROM " + relation + " t";
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new Sum(relation, rs.getLong(1), rs.getString(2));
        }
    }

    private static boolean hasLargeObjects(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT EXISTS (SELECT 1 FROM pg_largeobject_metadata)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
