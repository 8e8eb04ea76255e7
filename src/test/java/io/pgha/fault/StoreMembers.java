package io.pgha.fault;

import io.pgha.demo.LocalCluster;
import io.pgha.testing.LocalEtcd;
import java.io.IOException;

/**
 * The consensus store's members as the nemesis sees them, one per node: the cluster's own ZooKeeper store processes, or
 * an etcd member in each node's namespace. Client ports are {@code portBase + 100 + i} either way, and every store
 * port lies in {@code portBase + 100 .. portBase + 399}, so a port cut means the same for both.
 */
sealed interface StoreMembers {
    String what();

    /** The PID of node i's member, or -1 when it does not run. */
    long pid(int node);

    /** kill -9 of node i's member as part of a node crash, unless the cluster's killNode already took it. */
    void crashWithNode(int node) throws InterruptedException;

    /** Starts node i's member again after a node crash, before its agent, unless the cluster's start does. */
    void restartWithNode(int node) throws IOException;

    static int clientPort(int portBase, int node) {
        return portBase + 100 + node;
    }

    /** The embedded ZooKeeper peers: killNode kills them and start restarts them with the agent. */
    record Zookeeper(LocalCluster cluster) implements StoreMembers {
        public String what() {
            return "ZooKeeper store process";
        }

        public long pid(int node) {
            return cluster.store(node).map(Process::pid).orElse(-1L);
        }

        public void crashWithNode(int node) {
            // LocalCluster.killNode kills the node's store process with its agent and PostgreSQL
        }

        public void restartWithNode(int node) {
            // LocalCluster.start starts the node's store process before its agent
        }
    }

    /** An external etcd with one member on each node: a node crash takes its member too. */
    record Etcd(LocalEtcd etcd) implements StoreMembers {
        public String what() {
            return "etcd member";
        }

        public long pid(int node) {
            return etcd.pid(node);
        }

        public void crashWithNode(int node) throws InterruptedException {
            etcd.kill(node);
        }

        public void restartWithNode(int node) throws IOException {
            etcd.restart(node);
        }
    }
}
