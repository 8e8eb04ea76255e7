package io.pgha.harness;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Proves an endpoint reaches this cluster's primary: a server not in recovery, with the primary's system identifier. */
public final class EndpointCheck {
    private EndpointCheck() {}

    /** The server's system identifier and whether it is in recovery. */
    record ServerIdentity(long systemIdentifier, boolean inRecovery) {}

    static ServerIdentity identify(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT system_identifier FROM pg_control_system()), pg_is_in_recovery()")) {
            rs.next();
            return new ServerIdentity(rs.getLong(1), rs.getBoolean(2));
        }
    }

    /** Refuses, with the reason, an endpoint that reaches nothing, a standby, or another cluster. */
    public static void requirePrimary(HostPort endpoint, String source, String superuser, String password,
                                      long primarySystemId, String primaryName) throws HarnessException {
        ServerIdentity id;
        try (Connection c = Sessions.open(endpoint, superuser, password, "postgres", source)) {
            id = identify(c);
        } catch (HarnessException e) {
            throw new HarnessException(e.getMessage() + "; Harness's services must reach the primary there");
        } catch (SQLException e) {
            throw new HarnessException(source + " " + endpoint + " answered but could not be checked: "
                    + Sessions.firstLine(e.getMessage()));
        }
        if (id.inRecovery())
            throw new HarnessException(source + " " + endpoint + " reaches a standby (pg_is_in_recovery() is true), not the"
                    + " primary " + primaryName + ": Harness needs an endpoint that always reaches the primary, such as"
                    + " pgha's read-write proxy port (5000) or HAProxy's read-write port, not a node's PostgreSQL port");
        if (id.systemIdentifier() != primarySystemId)
            throw new HarnessException(source + " " + endpoint + " reaches a primary of another cluster (system identifier "
                    + id.systemIdentifier() + ", this cluster's is " + primarySystemId + "): check the address");
    }
}
