package io.pgha.dcs;

/**
 * Where each key lives under {@code /pgha/<cluster>}: {@code initialize} (who may bootstrap, then the system
 * identifier), {@code format} (the {@link StoreFormat}), {@code leader} (ephemeral: the lease; its czxid is the
 * fencing token), {@code last_leader}, {@code members/<name>} (persistent records), {@code alive/<name>}
 * (ephemeral: the agent is connected), and one key per request or setting.
 */
record ZookeeperPaths(String root) {
    static ZookeeperPaths forCluster(String cluster) {
        return new ZookeeperPaths("/pgha/" + cluster);
    }

    String initialize() {
        return root + "/initialize";
    }

    String format() {
        return root + "/format";
    }

    String leader() {
        return root + "/leader";
    }

    String lastLeader() {
        return root + "/last_leader";
    }

    String members() {
        return root + "/members";
    }

    String member(String name) {
        return members() + "/" + name;
    }

    String alive() {
        return root + "/alive";
    }

    String alive(String name) {
        return alive() + "/" + name;
    }

    String sync() {
        return root + "/sync";
    }

    String switchover() {
        return root + "/switchover";
    }

    String restore() {
        return root + "/restore";
    }

    String failover() {
        return root + "/failover";
    }

    String pause() {
        return root + "/pause";
    }

    String reinit() {
        return root + "/reinit";
    }

    String reinit(String name) {
        return reinit() + "/" + name;
    }

    String restart() {
        return root + "/restart";
    }

    String restart(String name) {
        return restart() + "/" + name;
    }

    String config() {
        return root + "/config";
    }

    String history() {
        return root + "/history";
    }
}
