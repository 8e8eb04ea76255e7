package io.pgha.dcs;

import java.util.Map;
import java.util.Set;

/**
 * The cluster as the store saw it at one moment.
 *
 * @param initialized system identifier of the cluster's data, or null before bootstrap finished
 * @param initClaimedBy the member that won the right to bootstrap, or null
 * @param leader      the current lease, or null when nobody holds it
 * @param lastLeader  the most recent lease ever taken (survives the lease's expiry), or null
 * @param members     every member record, alive or not
 * @param alive       members whose agent is connected to the store now
 * @param sync        the synchronous set the leader recorded, or null when none was ever recorded
 * @param switchover  a planned hand-over in progress, or null
 * @param paused      maintenance mode: agents report but do not act on failures
 * @param failover    an operator's manual failover order, or null
 * @param reinit      members the operator asked to rebuild from a fresh clone
 * @param parameters  PostgreSQL parameters set cluster-wide with pgha edit-config
 * @param restart     members the operator asked to restart PostgreSQL on
 * @param restore     an operator's restore order, or null
 * @param format      the layout recorded in the store, or null when none was (see {@link #storeFormat()})
 */
public record ClusterSnapshot(
        String initialized,
        String initClaimedBy,
        Lease leader,
        Lease lastLeader,
        Map<String, Member> members,
        Set<String> alive,
        SyncState sync,
        Switchover switchover,
        boolean paused,
        FailoverRequest failover,
        Set<String> reinit,
        Map<String, String> parameters,
        Set<String> restart,
        RestoreRequest restore,
        StoreFormat format) {

    public ClusterSnapshot(String initialized, String initClaimedBy, Lease leader, Lease lastLeader,
                           Map<String, Member> members, Set<String> alive, SyncState sync, Switchover switchover,
                           boolean paused, FailoverRequest failover, Set<String> reinit, Map<String, String> parameters,
                           Set<String> restart, RestoreRequest restore) {
        this(initialized, initClaimedBy, leader, lastLeader, members, alive, sync, switchover, paused, failover, reinit,
                parameters, restart, restore, null);
    }

    public ClusterSnapshot(String initialized, String initClaimedBy, Lease leader, Lease lastLeader,
                           Map<String, Member> members, Set<String> alive, SyncState sync, Switchover switchover,
                           boolean paused, FailoverRequest failover, Set<String> reinit, Map<String, String> parameters,
                           Set<String> restart) {
        this(initialized, initClaimedBy, leader, lastLeader, members, alive, sync, switchover, paused, failover, reinit,
                parameters, restart, null);
    }

    public ClusterSnapshot(String initialized, String initClaimedBy, Lease leader, Lease lastLeader,
                           Map<String, Member> members, Set<String> alive, SyncState sync, Switchover switchover,
                           boolean paused, FailoverRequest failover, Set<String> reinit, Map<String, String> parameters) {
        this(initialized, initClaimedBy, leader, lastLeader, members, alive, sync, switchover, paused, failover, reinit,
                parameters, Set.of());
    }

    public ClusterSnapshot(String initialized, String initClaimedBy, Lease leader, Lease lastLeader,
                           Map<String, Member> members, Set<String> alive, SyncState sync, Switchover switchover,
                           boolean paused) {
        this(initialized, initClaimedBy, leader, lastLeader, members, alive, sync, switchover, paused, null, Set.of(), Map.of());
    }

    public ClusterSnapshot(String initialized, String initClaimedBy, Lease leader, Lease lastLeader,
                           Map<String, Member> members, Set<String> alive, SyncState sync) {
        this(initialized, initClaimedBy, leader, lastLeader, members, alive, sync, null, false);
    }

    public ClusterSnapshot(String initialized, String initClaimedBy, Lease leader, Lease lastLeader,
                           Map<String, Member> members, Set<String> alive, SyncState sync, Switchover switchover) {
        this(initialized, initClaimedBy, leader, lastLeader, members, alive, sync, switchover, false);
    }

    /** The layout the store holds: the recorded one, or format 1 when none was recorded (written before formats). */
    public StoreFormat storeFormat() {
        return format != null ? format : StoreFormat.UNRECORDED;
    }

    public boolean isAlive(String name) {
        return alive.contains(name);
    }
}
