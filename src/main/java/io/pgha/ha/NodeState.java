package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.HistoryEntry;
import io.pgha.postgres.PgStatus;
import java.util.List;

/**
 * What the agent knows after its latest loop iteration, for the REST API, the proxy and the metrics.
 *
 * @param view            the cluster as last read from the store (null before the first read)
 * @param holdsLease      this member held the lease at the latest iteration
 * @param storeConnected  the store connection was up at the latest iteration
 * @param lastLoopAtMillis wall-clock time of the latest iteration's start
 * @param loopMillis      how long the latest iteration took
 * @param failovers       promotions this agent performed since it started
 * @param stuck           why this agent gave up on every remedy (its latest decision), null when it did not
 */
public record NodeState(
        String name,
        String cluster,
        PgStatus pg,
        ClusterSnapshot view,
        boolean holdsLease,
        boolean storeConnected,
        long lastLoopAtMillis,
        long loopMillis,
        long failovers,
        HaSettings settings,
        List<HistoryEntry> history,
        String stuck) {}
