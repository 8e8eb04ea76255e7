package io.pgha.fault;

/**
 * The nemesis's repertoire; each heals after a bounded time. No clock changes. Each kind carries the
 * longest write unavailability through the endpoint it may cause: a failover's where one is expected,
 * far less where the primary is untouched, so a manager that merely waits for the heal fails the run.
 */
enum FaultKind {
    /** kill -9 of the primary's agent, its store member (ZooKeeper peer or etcd member) and its PostgreSQL; restarted later. */
    KILL_NODE("kill-node", 10_000),
    /** kill -9 of a replica's agent and PostgreSQL; restarted later. The primary keeps its quorum of one standby. */
    KILL_REPLICA("kill-replica", 2_000),
    /** kill -9 of the primary's postmaster alone; its agent is expected to restart it or hand over. */
    KILL_POSTGRES("kill-postgres", 10_000),
    /** SIGSTOP of the primary's agent for twice the lease ttl, then SIGCONT: it cannot fence itself meanwhile. */
    STOP_AGENT("stop-agent", 10_000),
    /** SIGSTOP of the primary's postmaster and every descendant (a hung disk), its agent running: it kills them and hands over. */
    HANG_POSTGRES("hang-postgres", 10_000),
    /** The primary's bridge port down: cut from both other nodes (and the store's quorum), then back. */
    ISOLATE_PRIMARY("isolate-primary", 10_000),
    /** The primary cut from one replica entirely and from the other's ZooKeeper: no store quorum, one replica still streams. */
    CUT_PRIMARY_FROM_QUORUM("cut-primary-from-quorum", 10_000),
    /** The two replicas cannot reach each other; both still reach the primary. */
    SPLIT_REPLICAS("split-replicas", 2_000),
    /** SIGSTOP of both replicas' agents at once, past the ttl (their PostgreSQL and store members run on): the store's quorum does not share their fate. */
    FREEZE_STANDBY_AGENTS("freeze-standby-agents", 2_000),
    /** kill -9 of both replicas' agents at once (PostgreSQL and store members live on); restarted later. */
    KILL_STANDBY_AGENTS("kill-standby-agents", 2_000),
    /** SIGSTOP of one node's store member alone (the ZooKeeper store process or etcd member), its agent running. */
    FREEZE_STORE("freeze-store", 10_000);

    final String label;
    /** Write unavailability through the endpoint above this, for one fault of this kind, fails the run. */
    final long unavailabilityBoundMs;

    FaultKind(String label, long unavailabilityBoundMs) {
        this.label = label;
        this.unavailabilityBoundMs = unavailabilityBoundMs;
    }
}
