package io.pgha.dcs;

/**
 * Where each key lives under {@code /pgha/<cluster>/}, the same names as in ZooKeeper: {@code leader} (on the
 * holder's session lease; its create revision is the fencing token), {@code alive/<name>} (on each agent's
 * session lease), {@code members/<name>}, {@code reinit/<name>}, {@code restart/<name>}, and one key per request
 * or setting. The whole cluster is the range of one prefix, so a single read sees it at one revision.
 */
record EtcdKeys(String prefix) {
    static final String MEMBERS = "members/";
    static final String ALIVE = "alive/";
    static final String REINIT = "reinit/";
    static final String RESTART = "restart/";

    static EtcdKeys forCluster(String cluster) {
        return new EtcdKeys("/pgha/" + cluster + "/");
    }

    String key(String name) {
        return prefix + name;
    }

    /** The key's name below the prefix, e.g. {@code members/node1}. */
    String relative(String key) {
        return key.substring(prefix.length());
    }

    String all() {
        return prefix;
    }

    String initialize() {
        return key("initialize");
    }

    String format() {
        return key("format");
    }

    String leader() {
        return key("leader");
    }

    String lastLeader() {
        return key("last_leader");
    }

    String member(String name) {
        return key(MEMBERS + name);
    }

    String alive(String name) {
        return key(ALIVE + name);
    }

    String reinit(String name) {
        return key(REINIT + name);
    }

    String restart(String name) {
        return key(RESTART + name);
    }

    String sync() {
        return key("sync");
    }

    String switchover() {
        return key("switchover");
    }

    String restore() {
        return key("restore");
    }

    String failover() {
        return key("failover");
    }

    String pause() {
        return key("pause");
    }

    String config() {
        return key("config");
    }

    String history() {
        return key("history");
    }
}
