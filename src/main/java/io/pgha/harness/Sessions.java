package io.pgha.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Short-lived pgjdbc connections for {@code pgha harness}, with bounded waits and one-line failures. */
final class Sessions {
    private Sessions() {}

    static Connection open(HostPort at, String user, String password, String database, String what) throws HarnessException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "pgha-harness");
        props.setProperty("sslmode", "disable");
        try {
            return DriverManager.getConnection("jdbc:postgresql://" + at + "/" + database, props);
        } catch (SQLException e) {
            throw new HarnessException("cannot connect to " + what + " " + at + " as " + user + ": " + firstLine(e.getMessage())
                    + hint(e.getSQLState()));
        }
    }

    static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }

    private static String hint(String sqlState) {
        if (sqlState == null) return "";
        return switch (sqlState) {
            case "28P01", "28000" -> " (check the password and that postgres.allowed_client_cidrs admits this host)";
            case "08001", "08006", "08004" -> " (check that the address is right and something listens there)";
            default -> "";
        };
    }
}
