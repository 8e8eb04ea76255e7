package io.pgha.migrate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How to reach one PostgreSQL server as one user. The password only ever goes to pgjdbc and into a
 * 0600 {@link PassFile}; {@link #toString()} leaves it out.
 */
public record Endpoint(String host, int port, String user, String password, String database) {
    /** The same server and user, another database. */
    public Endpoint in(String db) {
        return new Endpoint(host, port, user, password, db);
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "pgha-migrate");
        String h = host.contains(":") ? "[" + host + "]" : host;
        return DriverManager.getConnection("jdbc:postgresql://" + h + ":" + port + "/" + database, props);
    }

    /** Opens a connection or says in one line why not, and what to check. */
    public Connection open(String what) throws MigrateException {
        try {
            return connect();
        } catch (SQLException e) {
            throw new MigrateException("cannot connect to " + what + " " + this + ": " + firstLine(e.getMessage())
                    + hint(e.getSQLState()));
        }
    }

    static String hint(String sqlState) {
        if (sqlState == null) return "";
        return switch (sqlState) {
            case "28P01", "28000" -> " (check the user and the password file or .pgpass entry)";
            case "08001", "08006", "08004" -> " (check that the server runs there and accepts connections from this host)";
            case "3D000" -> " (check the database name)";
            default -> "";
        };
    }

    static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }
}
