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
 * @param notAnswering  past its start-up, it took the agent's connection or query and did not answer in time (hung)
 * @param disk          free and total space of the data directory's and pg_wal's filesystems
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
        boolean walReceiverRunning,
        boolean notAnswering,
        DiskSpace disk) {

    public PgStatus(boolean hasData, boolean running, boolean accepting, boolean inRecovery, long timeline, long lsn,
                    boolean streaming, String upstreamHost, int upstreamPort, boolean standbySignal, List<String> slots,
                    List<String> streamingStandbys, List<String> syncStandbys, int syncQuorum, boolean pendingRestart,
                    boolean walReceiverRunning, boolean notAnswering) {
        this(hasData, running, accepting, inRecovery, timeline, lsn, streaming, upstreamHost, upstreamPort, standbySignal,
                slots, streamingStandbys, syncStandbys, syncQuorum, pendingRestart, walReceiverRunning, notAnswering,
                DiskSpace.UNKNOWN);
    }

    public PgStatus(boolean hasData, boolean running, boolean accepting, boolean inRecovery, long timeline, long lsn,
                    boolean streaming, String upstreamHost, int upstreamPort, boolean standbySignal, List<String> slots,
                    List<String> streamingStandbys, List<String> syncStandbys, int syncQuorum) {
        this(hasData, running, accepting, inRecovery, timeline, lsn, streaming, upstreamHost, upstreamPort, standbySignal,
                slots, streamingStandbys, syncStandbys, syncQuorum, false, streaming, false, DiskSpace.UNKNOWN);
    }

    public static PgStatus noData() {
        return builder().build();
    }

    /** Starts from {@link #noData()}: every flag false, every number 0, every list empty. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().hasData(hasData).running(running).accepting(accepting).inRecovery(inRecovery)
                .timeline(timeline).lsn(lsn).streaming(streaming).upstream(upstreamHost, upstreamPort)
                .standbySignal(standbySignal).slots(slots).streamingStandbys(streamingStandbys)
                .syncStandbys(syncStandbys).syncQuorum(syncQuorum).pendingRestart(pendingRestart)
                .walReceiverRunning(walReceiverRunning).notAnswering(notAnswering).disk(disk);
    }

    public boolean isPrimary() {
        return running && accepting && !inRecovery;
    }

    public PgState state() {
        if (!hasData) return PgState.NO_DATA;
        if (!running) return PgState.STOPPED;
        if (notAnswering) return PgState.NOT_ANSWERING;
        if (!accepting) return PgState.STARTING;
        if (!inRecovery) return PgState.RUNNING;
        return streaming ? PgState.STREAMING : PgState.ARCHIVE_RECOVERY;
    }

    public String describe() {
        return state().label();
    }

    /** Names each field, so that a status reads in a fixture; unset fields keep {@link #noData()}'s values. */
    public static final class Builder {
        private boolean hasData;
        private boolean running;
        private boolean accepting;
        private boolean inRecovery;
        private long timeline;
        private long lsn;
        private boolean streaming;
        private String upstreamHost;
        private int upstreamPort;
        private boolean standbySignal;
        private List<String> slots = List.of();
        private List<String> streamingStandbys = List.of();
        private List<String> syncStandbys = List.of();
        private int syncQuorum;
        private boolean pendingRestart;
        private boolean walReceiverRunning;
        private boolean notAnswering;
        private DiskSpace disk = DiskSpace.UNKNOWN;

        private Builder() {}

        public Builder hasData(boolean v) { hasData = v; return this; }
        public Builder running(boolean v) { running = v; return this; }
        public Builder accepting(boolean v) { accepting = v; return this; }
        public Builder inRecovery(boolean v) { inRecovery = v; return this; }
        public Builder timeline(long v) { timeline = v; return this; }
        public Builder lsn(long v) { lsn = v; return this; }
        public Builder streaming(boolean v) { streaming = v; return this; }
        public Builder upstream(String host, int port) { upstreamHost = host; upstreamPort = port; return this; }
        public Builder standbySignal(boolean v) { standbySignal = v; return this; }
        public Builder slots(List<String> v) { slots = List.copyOf(v); return this; }
        public Builder streamingStandbys(List<String> v) { streamingStandbys = List.copyOf(v); return this; }
        public Builder syncStandbys(List<String> v) { syncStandbys = List.copyOf(v); return this; }
        public Builder syncQuorum(int v) { syncQuorum = v; return this; }
        public Builder sync(SyncNames names) { return syncStandbys(names.members()).syncQuorum(names.quorum()); }
        public Builder pendingRestart(boolean v) { pendingRestart = v; return this; }
        public Builder walReceiverRunning(boolean v) { walReceiverRunning = v; return this; }
        public Builder notAnswering(boolean v) { notAnswering = v; return this; }
        public Builder disk(DiskSpace v) { disk = v == null ? DiskSpace.UNKNOWN : v; return this; }

        public PgStatus build() {
            return new PgStatus(hasData, running, accepting, inRecovery, timeline, lsn, streaming, upstreamHost,
                    upstreamPort, standbySignal, slots, streamingStandbys, syncStandbys, syncQuorum, pendingRestart,
                    walReceiverRunning, notAnswering, disk);
        }
    }
}
