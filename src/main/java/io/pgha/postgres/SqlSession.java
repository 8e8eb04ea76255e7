package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** The agent's one superuser connection to its local server: opened on demand, dropped after any error. */
final class SqlSession {
    private final NodeConfig.Postgres pg;
    private final int timeoutSeconds;
    private final String applicationName;
    private final String serverOptions;
    private Connection connection;

    /** @param timeoutSeconds how long to wait for the server to connect, log in or answer a query */
    SqlSession(NodeConfig.Postgres pg, int timeoutSeconds) {
        this(pg, timeoutSeconds, "pgha", null);
    }

    /** @param serverOptions settings for this session only, in libpq's {@code options} form ("-c name=value") */
    SqlSession(NodeConfig.Postgres pg, int timeoutSeconds, String applicationName, String serverOptions) {
        this.pg = pg;
        this.timeoutSeconds = timeoutSeconds;
        this.applicationName = applicationName;
        this.serverOptions = serverOptions;
    }

    Connection get() throws SQLException, IOException {
        if (connection != null && !connection.isClosed()) return connection;
        Properties props = new Properties();
        props.setProperty("user", pg.superuser());
        props.setProperty("password", Files.readString(pg.superuserPasswordFile()).strip());
        props.setProperty("connectTimeout", String.valueOf(Math.min(2, timeoutSeconds)));
        props.setProperty("loginTimeout", String.valueOf(timeoutSeconds));
        props.setProperty("socketTimeout", String.valueOf(timeoutSeconds));
        props.setProperty("ApplicationName", applicationName);
        if (serverOptions != null) props.setProperty("options", serverOptions);
        props.setProperty("sslmode", "disable");
        connection = DriverManager.getConnection("jdbc:postgresql://"
                + Addresses.forJdbcUrl(Addresses.agentAddress(pg.listen())) + ":" + pg.port() + "/postgres", props);
        return connection;
    }

    void reloadConf() throws SQLException, IOException {
        try (Statement st = get().createStatement()) {
            st.execute("SELECT pg_reload_conf()");
        }
    }

    void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }
}
