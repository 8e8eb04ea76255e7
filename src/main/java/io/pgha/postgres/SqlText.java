package io.pgha.postgres;

/** Quoting for the few statements that cannot take bind parameters (ALTER SYSTEM, CREATE ROLE). */
final class SqlText {
    private SqlText() {}

    static String identifier(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
