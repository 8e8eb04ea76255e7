package io.pgha.migrate;

import io.pgha.config.NodeConfig;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import java.io.IOException;
import java.nio.file.Files;

/** The cluster's current primary, as the store names it, reached as the config's superuser. */
public final class ClusterPrimary {
    private ClusterPrimary() {}

    public static Endpoint find(NodeConfig config, Store store) throws MigrateException {
        ClusterSnapshot s;
        try {
            s = store.snapshot();
        } catch (StoreException e) {
            throw new MigrateException("cannot read the store of cluster " + config.cluster() + ": " + e.getMessage());
        }
        if (s.leader() == null)
            throw new MigrateException("cluster " + config.cluster() + " has no primary now: wait until pgha list shows a leader");
        Member m = s.members().get(s.leader().holder());
        if (m == null || m.host() == null || m.port() == 0)
            throw new MigrateException("the primary " + s.leader().holder() + " has not published its address yet: try again in a few seconds");
        NodeConfig.Postgres pg = config.postgres();
        String password;
        try {
            password = Files.readString(pg.superuserPasswordFile()).strip();
        } catch (IOException e) {
            throw new MigrateException("cannot read postgres.superuser_password_file " + pg.superuserPasswordFile() + ": "
                    + e.getMessage() + " (run as root or as the user that owns it)");
        }
        return new Endpoint(m.host(), m.port(), pg.superuser(), password, "postgres");
    }
}
