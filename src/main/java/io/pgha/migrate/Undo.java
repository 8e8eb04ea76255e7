package io.pgha.migrate;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a load created on the cluster, so that a failed load or migration can take exactly that away again:
 * databases it created and roles it created; never anything that existed before.
 */
public final class Undo {
    private final List<String> databases = new ArrayList<>();
    private final Set<String> roles = new LinkedHashSet<>();
    private final List<String> filledExisting = new ArrayList<>();

    void createdDatabase(String db) {
        databases.add(db);
    }

    void createdRoles(Set<String> created) {
        roles.addAll(created);
    }

    /** A database that existed (empty) before and was restored into; undo cannot empty it and says so. */
    void filledExisting(String db) {
        filledExisting.add(db);
    }

    public List<String> databases() {
        return List.copyOf(databases);
    }

    public Set<String> roles() {
        return Set.copyOf(roles);
    }

    /** Drops the databases, then the roles; returns what could not be undone, one line each. */
    public List<String> run(Endpoint target, Consumer<String> progress) {
        List<String> left = new ArrayList<>();
        if (databases.isEmpty() && roles.isEmpty() && filledExisting.isEmpty()) return left;
        try (Connection c = target.connect()) {
            for (String db : databases.reversed()) {
                progress.accept("undoing: dropping database " + db);
                try {
                    Catalog.dropDatabase(c, db);
                } catch (SQLException e) {
                    left.add("database " + db + " could not be dropped: " + Endpoint.firstLine(e.getMessage()));
                }
            }
            for (String role : roles) {
                progress.accept("undoing: dropping role " + role);
                try {
                    Catalog.dropRole(c, role);
                } catch (SQLException e) {
                    left.add("role " + role + " could not be dropped: " + Endpoint.firstLine(e.getMessage()));
                }
            }
        } catch (SQLException e) {
            left.add("cannot connect to the cluster's primary to undo (" + Endpoint.firstLine(e.getMessage())
                    + "): drop databases " + databases + " and roles " + roles + " by hand");
        }
        for (String db : filledExisting)
            left.add("database " + db + " existed before and keeps the objects restored into it: drop them by hand");
        return left;
    }
}
