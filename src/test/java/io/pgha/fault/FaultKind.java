package io.pgha.fault;

/** The nemesis's repertoire; each heals after a bounded time. No clock changes. */
enum FaultKind {
    /** kill -9 of a node's agent (its ZooKeeper peer with it) and its PostgreSQL, the primary's half the time; restarted later. */
    KILL_NODE("kill-node"),
    /** kill -9 of the primary's postmaster alone; its agent is expected to restart it or hand over. */
    KILL_POSTGRES("kill-postgres"),
    /** SIGSTOP of the primary's agent for twice the lease ttl, then SIGCONT: it cannot fence itself meanwhile. */
    STOP_AGENT("stop-agent"),
    /** The primary's bridge port down: cut from both other nodes (and the store's quorum), then back. */
    ISOLATE_PRIMARY("isolate-primary"),
    /** The primary cut from one replica entirely and from the other's ZooKeeper: no store quorum, one replica still streams. */
    CUT_PRIMARY_FROM_QUORUM("cut-primary-from-quorum"),
    /** The two replicas cannot reach each other; both still reach the primary. */
    SPLIT_REPLICAS("split-replicas");

    final String label;

    FaultKind(String label) {
        this.label = label;
    }
}
