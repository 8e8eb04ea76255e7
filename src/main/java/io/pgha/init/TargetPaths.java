package io.pgha.init;

/** Where the package and its service units expect things on a node; the configs {@code pgha init} writes point here. */
public final class TargetPaths {
    /** Created by the package: owner postgres, mode 0750. */
    public static final String CONFIG_DIR = "/etc/pgha";
    public static final String CONFIG_FILE = CONFIG_DIR + "/pgha.yaml";
    /** The units' StateDirectory: the data directory and its siblings (run dir, ZooKeeper data) live under it. */
    public static final String STATE_DIR = "/var/lib/pgha";
    public static final String DATA_DIR = STATE_DIR + "/data";
    public static final String STORE_UNIT = "pgha-store";
    public static final String AGENT_UNIT = "pgha-agent";

    private TargetPaths() {}

    public static String postgresBinDir(int version) {
        return "/usr/lib/postgresql/" + version + "/bin";
    }
}
