package io.pgha.fault;

/**
 * The nemesis's repertoire; each heals after a bounded time. No clock changes. Each kind carries the
 * longest write unavailability through an endpoint it may cause: a failover's where one is expected,
 * far less where the primary is untouched, so a manager that merely waits for the heal fails the run.
 *
 * <p>The bound holds for every endpoint writer. pgha's proxy runs inside the agent's JVM, so where a kind
 * freezes an agent ({@link #freezesAnAgent}) a client connected through that agent's proxy waits its socket
 * timeout ({@link #PROXY_CLIENT_TIMEOUT_MS}) before it tries the next node's proxy, as a client behind any
 * load balancer would: the proxy endpoint's bound is the kind's plus that timeout.
 */
enum FaultKind {
    /** kill -9 of the primary's agent, its store member (ZooKeeper peer or etcd member) and its PostgreSQL; restarted later. */
    KILL_NODE("kill-node", 10_000, false),
    /** kill -9 of a replica's agent and PostgreSQL; restarted later. The primary keeps its quorum of one standby. */
    KILL_REPLICA("kill-replica", 2_000, false),
    /** kill -9 of the primary's postmaster alone; its agent is expected to restart it or hand over. */
    KILL_POSTGRES("kill-postgres", 10_000, false),
    /** SIGSTOP of the primary's agent for twice the lease ttl, then SIGCONT: it cannot fence itself meanwhile. */
    STOP_AGENT("stop-agent", 10_000, true),
    /** SIGSTOP of the primary's postmaster and every descendant (a hung disk), its agent running: it kills them and hands over. */
    HANG_POSTGRES("hang-postgres", 10_000, false),
    /** The primary's bridge port down: cut from both other nodes (and the store's quorum), then back. */
    ISOLATE_PRIMARY("isolate-primary", 10_000, false),
    /** The primary cut from one replica entirely and from the other's ZooKeeper: no store quorum, one replica still streams. */
    CUT_PRIMARY_FROM_QUORUM("cut-primary-from-quorum", 10_000, false),
    /** The two replicas cannot reach each other; both still reach the primary. */
    SPLIT_REPLICAS("split-replicas", 2_000, false),
    /** SIGSTOP of both replicas' agents at once, past the ttl (their PostgreSQL and store members run on): the store's quorum does not share their fate. */
    FREEZE_STANDBY_AGENTS("freeze-standby-agents", 2_000, true),
    /** kill -9 of both replicas' agents at once (PostgreSQL and store members live on); restarted later. */
    KILL_STANDBY_AGENTS("kill-standby-agents", 2_000, false),
    /** SIGSTOP of one node's store member alone (the ZooKeeper store process or etcd member), its agent running. */
    FREEZE_STORE("freeze-store", 10_000, false),
    /**
     * SIGSTOP of one replica's agent past the ttl (its PostgreSQL streams on). 2 s: the primary keeps its lease and its
     * quorum; the replica's watchdog may end the frozen agent and the supervisor start it again, which touches nothing else.
     */
    STOP_REPLICA_AGENT("stop-replica-agent", 2_000, true),
    /**
     * SIGSTOP of a replica's postmaster and every descendant (its disk hung), its agent running, for 5-8 s. 2 s: with
     * {@code ANY 1} of two standbys the other one acknowledges every commit, so the primary never waits for the hung one.
     */
    HANG_REPLICA("hang-replica", 2_000, false),
    /**
     * kill -9 of the primary's watchdog process (the agent's separate bash process). The agent notices at its next
     * check-in (ten per ttl), starts a new watchdog and arms it: the primary must neither stop (a needless outage: 2 s)
     * nor run unguarded (the run fails unless a new watchdog is found armed for the same postmaster within the ttl).
     */
    KILL_WATCHDOG("kill-watchdog", 2_000, false),
    /**
     * Two faults at once, synchronous mode's hard case: kill -9 of a replica's node (agent, store member, PostgreSQL)
     * while the primary is cut from the other replica's store member. No store quorum exists anywhere while both last,
     * so the primary must fence itself and nobody may promote: the cluster is unavailable, by design, until one heals
     * (seeded order, 1-2 s apart). 18 s: both faults together last at most 8 s, then one failover's 10 s.
     * No acknowledged write may be lost: the surviving replica is the only one that can hold the primary's last commits.
     */
    REPLICA_DOWN_PRIMARY_CUT("replica-down-primary-cut", 18_000, false);

    /** The proxy writer's socket timeout: how long a client waits on a frozen proxy before trying the next node's. */
    static final long PROXY_CLIENT_TIMEOUT_MS = 2_000;

    final String label;
    /** Write unavailability through the endpoint above this, for one fault of this kind, fails the run. */
    final long unavailabilityBoundMs;
    /** The fault SIGSTOPs an agent, and with it that node's proxy. */
    final boolean freezesAnAgent;

    FaultKind(String label, long unavailabilityBoundMs, boolean freezesAnAgent) {
        this.label = label;
        this.unavailabilityBoundMs = unavailabilityBoundMs;
        this.freezesAnAgent = freezesAnAgent;
    }

    /** The bound for one endpoint writer (see the class comment for the proxy's). */
    long boundMs(String endpoint) {
        return unavailabilityBoundMs + (freezesAnAgent && endpoint.equals(Checker.PROXY) ? PROXY_CLIENT_TIMEOUT_MS : 0);
    }
}
