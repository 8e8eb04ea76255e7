package io.pgha.dcs;

import java.util.List;

/**
 * The synchronous set as the leader recorded it before relying on it: commits were acknowledged by
 * {@code quorum} of {@code members}. Only a member of this set may be promoted.
 */
public record SyncState(String leader, List<String> members, int quorum) {
    public static SyncState empty(String leader) {
        return new SyncState(leader, List.of(), 0);
    }
}
