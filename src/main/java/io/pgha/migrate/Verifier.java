package io.pgha.migrate;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Compares every relation of each database between the source and the cluster with {@link TableChecksums}. */
public final class Verifier {
    private final Endpoint source;
    private final Endpoint cluster;
    private final Consumer<String> progress;

    public Verifier(Endpoint source, Endpoint cluster, Consumer<String> progress) {
        this.source = source;
        this.cluster = cluster;
        this.progress = progress;
    }

    public List<TableCheck> verify(List<String> databases) throws MigrateException {
        List<TableCheck> checks = new ArrayList<>();
        for (String db : databases) {
            try (Connection s = source.in(db).open("the source"); Connection c = cluster.in(db).open("the cluster's primary")) {
                TableChecksums.pinRendering(s);
                TableChecksums.pinRendering(c);
                List<String> onSource = TableChecksums.relations(s);
                List<String> onCluster = TableChecksums.relations(c);
                Set<String> all = new LinkedHashSet<>(onSource);
                all.addAll(onCluster);
                int n = 0;
                for (String rel : all) {
                    progress.accept("verifying " + db + " " + (++n) + "/" + all.size() + " tables");
                    checks.add(new TableCheck(db, rel, onSource.contains(rel) ? TableChecksums.of(s, rel) : null,
                            onCluster.contains(rel) ? TableChecksums.of(c, rel) : null));
                }
                if (all.isEmpty()) progress.accept("verifying " + db + " 0/0 tables");
            } catch (SQLException e) {
                throw new MigrateException("verifying database " + db + " failed: " + Endpoint.firstLine(e.getMessage()));
            }
        }
        return checks;
    }
}
