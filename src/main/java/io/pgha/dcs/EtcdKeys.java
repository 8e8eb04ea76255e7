package io.pgha.dcs;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

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

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    ByteSequence key(String name) {
        return bytes(prefix + name);
    }

    /** The key's name below the prefix, e.g. {@code members/node1}. */
    String relative(ByteSequence key) {
        return key.toString(StandardCharsets.UTF_8).substring(prefix.length());
    }

    ByteSequence all() {
        return bytes(prefix);
    }

    ByteSequence initialize() {
        return key("initialize");
    }

    ByteSequence format() {
        return key("format");
    }

    ByteSequence leader() {
        return key("leader");
    }

    ByteSequence lastLeader() {
        return key("last_leader");
    }

    ByteSequence member(String name) {
        return key(MEMBERS + name);
    }

    ByteSequence alive(String name) {
        return key(ALIVE + name);
    }

    ByteSequence reinit(String name) {
        return key(REINIT + name);
    }

    ByteSequence restart(String name) {
        return key(RESTART + name);
    }

    ByteSequence sync() {
        return key("sync");
    }

    ByteSequence switchover() {
        return key("switchover");
    }

    ByteSequence restore() {
        return key("restore");
    }

    ByteSequence failover() {
        return key("failover");
    }

    ByteSequence pause() {
        return key("pause");
    }

    ByteSequence config() {
        return key("config");
    }

    ByteSequence history() {
        return key("history");
    }
}
