package io.pgha.postgres;

import java.util.List;

/**
 * What the local PostgreSQL looks like right now.
 *
 * @param hasData       the data directory holds a PostgreSQL cluster
 * @param running       a postmaster runs on the data directory
 * @param accepting     it answers SQL
 * @param inRecovery    it is a standby (or starting as one)
 * @param timeline      current timeline (0 when unknown)
 * @param lsn           primary: current write position; standby: the further of received and replayed
 * @param streaming     a standby's WAL receiver is streaming
 * @param upstreamHost  where a standby's WAL receiver streams from (null when not streaming)
 * @param standbySignal the data directory starts as a standby (standby.signal)
 * @param slots         physical replication slots on this server
 * @param streamingStandbys primary: application names of the standbys streaming from it now
 * @param syncStandbys  primary: the members named in synchronous_standby_names
 * @param syncQuorum    primary: k of {@code ANY k (...)}, 0 when synchronous replication is off
 * @param pendingRestart a changed parameter takes effect only after a restart
 * @param walReceiverRunning a standby's WAL receiver process exists (connecting, streaming or stopping);
 *                      {@code lsn} was read after this, so without a receiver it cannot grow any more
 */
public record PgStatus(
        boolean hasData,
        boolean running,
        boolean accepting,
        boolean inRecovery,
        long timeline,
        long lsn,
        boolean streaming,
        String upstreamHost,
        int upstreamPort,
        boolean standbySignal,
        List<String> slots,
        List<String> streamingStandbys,
        List<String> syncStandbys,
        int syncQuorum,
        boolean pendingRestart,
        boolean walReceiverRunning) {

    public PgStatus(boolean hasData, boolean running, boolean accepting, boolean inRecovery, long timeline, long lsn,
                    boolean streaming, String upstreamHost, int upstreamPort, boolean standbySignal, List<String> slots,
                    List<String> streamingStandbys, List<String> syncStandbys, int syncQuorum) {
        this(hasData, running, accepting, inRecovery, timeline, lsn, streaming, upstreamHost, upstreamPort, standbySignal,
                slots, streamingStandbys, syncStandbys, syncQuorum, false, streaming);
    }

    public static PgStatus noData() {
        return new PgStatus(false, false, false, false, 0, 0, false, null, 0, false, List.of(), List.of(), List.of(), 0);
    }

    public boolean isPrimary() {
        return running && accepting && !inRecovery;
    }

    public String describe() {
        if (!hasData) return "no data";
        if (!running) return "stopped";
        if (!accepting) return "starting";
        if (!inRecovery) return "running";
        return streaming ? "streaming" : "in archive recovery";
    }
}
