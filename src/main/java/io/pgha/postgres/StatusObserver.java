package io.pgha.postgres;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads what the local server looks like now: files first, then SQL when a postmaster runs. */
final class StatusObserver {
    private static final Logger log = LoggerFactory.getLogger(StatusObserver.class);
    /** Free space is read at most this often: each read looks the filesystems up in the mount table. */
    static final long DISK_EVERY_NANOS = 1_000_000_000L;
    /**
     * A standby counts as streaming while it has replied this recently (it replies at least every
     * wal_receiver_status_interval, 1 s): a partitioned or hung standby drops out within seconds, whatever its agent does.
     */
    static final int REPLY_FRESHNESS_SECONDS = 3;

    private final DataDirectory dir;
    private final SqlSession sql;
    private boolean diskLow;
    private DiskSpace disk = DiskSpace.UNKNOWN;
    private long diskReadAtNanos;
    private volatile RoomOwed owed = RoomOwed.NONE;

    StatusObserver(DataDirectory dir, SqlSession sql) {
        this.dir = dir;
        this.sql = sql;
    }

    void oweRoom(RoomOwed owed) {
        this.owed = owed;
    }

    PgStatus observe() {
        DiskSpace disk = diskSpace();
        if (!dir.hasData()) return PgStatus.builder().disk(disk).build();
        boolean standbySignal = dir.standbySignal();
        PgStatus.Builder found = PgStatus.builder().hasData(true).inRecovery(standbySignal).standbySignal(standbySignal)
                .disk(disk);
        if (dir.postmaster().isEmpty()) {
            sql.close();
            return found.build();
        }
        found.running(true);
        try (Statement st = sql.get().createStatement()) {
            return readOverSql(st, found);
        } catch (SQLException | IOException e) {
            sql.close();
            return found.notAnswering(timedOut(e) && started(dir.postmaster())).build();
        }
    }

    private DiskSpace diskSpace() {
        long now = System.nanoTime();
        if (disk.known() && now - diskReadAtNanos < DISK_EVERY_NANOS) return disk;
        diskReadAtNanos = now;
        disk = watchDisk(DiskSpace.of(dir.path(), owed));
        return disk;
    }

    /** Says once when the data or WAL filesystem runs low, and once when it has room again. */
    private DiskSpace watchDisk(DiskSpace disk) {
        if (disk.low() && !diskLow) log.warn("disk space low (under {}% free): {}", DiskSpace.LOW_PERCENT, disk.describe());
        if (!disk.low() && diskLow) log.info("disk space back above {}% free: {}", DiskSpace.LOW_PERCENT, disk.describe());
        diskLow = disk.low();
        return disk;
    }

    /** Past its start-up (postmaster.pid says ready or standby): a server that times out now is not just starting. */
    private boolean started(java.util.Optional<ProcessHandle> postmaster) {
        if (postmaster.isEmpty()) return false;
        String status = dir.postmasterStatus(postmaster.get().pid());
        return "ready".equals(status) || "standby".equals(status);
    }

    /** The server took the connection or the query and never answered (refusals and errors do not count). */
    static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) return true;
            if (t.getMessage() != null && t.getMessage().contains("timed out")) return true;
        }
        return false;
    }

    private static PgStatus readOverSql(Statement st, PgStatus.Builder status) throws SQLException {
        // The WAL receiver first, the position after: a position read once no receiver runs is final.
        boolean streaming = false;
        boolean receiverRunning = false;
        String upHost = null;
        int upPort = 0;
        long receivedTli = 0;
        try (ResultSet rs = st.executeQuery(
                "SELECT status, sender_host, sender_port, received_tli FROM pg_stat_wal_receiver WHERE pid IS NOT NULL")) {
            if (rs.next()) {
                receiverRunning = true;
                streaming = "streaming".equals(rs.getString(1));
                upHost = rs.getString(2);
                upPort = rs.getInt(3);
                receivedTli = rs.getLong(4);
            }
        }
        boolean recovery;
        long lsn;
        long timeline;
        try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(),"
                + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,"
                + " pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text,"
                + " CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint())"
                + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END")) {
            rs.next();
            recovery = rs.getBoolean(1);
            long receive = Lsn.parse(rs.getString(3));
            long replay = Lsn.parse(rs.getString(4));
            lsn = recovery ? Math.max(receive, replay) : Lsn.parse(rs.getString(2));
            timeline = Math.max(rs.getLong(5), recovery ? receivedTli : 0);
        }
        if (!recovery) {
            streaming = false;
            receiverRunning = false;
        }
        List<String> slots = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(
                "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'physical'"
                        + " AND wal_status IS DISTINCT FROM 'lost' ORDER BY 1")) {
            while (rs.next()) slots.add(rs.getString(1));
        }
        List<String> streamingStandbys = new ArrayList<>();
        SyncNames sync = SyncNames.NONE;
        if (!recovery) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"
                            + " AND reply_time > now() - interval '" + REPLY_FRESHNESS_SECONDS + " seconds' ORDER BY 1")) {
                while (rs.next()) streamingStandbys.add(rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("SHOW synchronous_standby_names")) {
                rs.next();
                sync = SyncNames.parse(rs.getString(1));
            }
        }
        boolean pendingRestart;
        try (ResultSet rs = st.executeQuery("SELECT coalesce(bool_or(pending_restart), false) FROM pg_settings")) {
            rs.next();
            pendingRestart = rs.getBoolean(1);
        }
        return status.accepting(true).inRecovery(recovery).timeline(timeline).lsn(lsn).streaming(streaming)
                .upstream(upHost, upPort).slots(slots).streamingStandbys(streamingStandbys).sync(sync)
                .pendingRestart(pendingRestart).walReceiverRunning(receiverRunning).build();
    }
}
