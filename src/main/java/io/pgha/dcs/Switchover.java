package io.pgha.dcs;

/**
 * A planned hand-over of the lease.
 *
 * @param leader            the primary that hands over
 * @param candidate         the standby that takes over
 * @param scheduledAtMillis when to start (0: at once)
 * @param requestedAtMillis when it was asked for; a hand-over that has not finished long after is abandoned
 * @param shutdownLsn       set by the old primary once it stopped cleanly: where its WAL ends; the
 *                          candidate promotes only when it has received past it
 */
public record Switchover(String leader, String candidate, long scheduledAtMillis, long requestedAtMillis, long shutdownLsn) {
    public Switchover withShutdownLsn(long lsn) {
        return new Switchover(leader, candidate, scheduledAtMillis, requestedAtMillis, lsn);
    }
}
