package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The PostgreSQL server on this node, driven through its own binaries and SQL. Wires one part per concern;
 * operations that touch the server take this object's lock, so they never overlap (the fencing stop excepted).
 */
public final class LocalPostgres implements Postgres, AutoCloseable {
    private final NodeConfig.Postgres pg;
    private final DataDirectory dir;
    private final SqlSession sql;
    private final PgTools tools;
    private final ManagedConfig files;
    private final StatusObserver observer;
    private final ProcessControl control;
    private final ClusterBootstrap bootstrap;
    private final RewindAndClone rewindAndClone;
    private final MemberReconciler members;
    private final ServerParameters parameters;
    private final PostmasterWatch postmasterWatch;
    private final NodeConfig config;
    private final ServerLogs serverLogs;

    public LocalPostgres(NodeConfig config) {
        this.config = config;
        this.pg = config.postgres();
        this.dir = new DataDirectory(pg.dataDir(), pg.osUser());
        this.sql = new SqlSession(pg, 10);
        this.tools = new PgTools(pg.binDir(), new OsCommand(pg.osUser(), Path.of("/")));
        this.files = new ManagedConfig(config, dir);
        this.observer = new StatusObserver(dir,
                new SqlSession(pg, (int) config.ha().postgresAnswerTimeout().toSeconds()));
        this.serverLogs = new ServerLogs(dir, pg.logFileSizeBytes(), pg.logFiles());
        this.control = new ProcessControl(dir, tools, files, sql, serverLogs);
        this.bootstrap = new ClusterBootstrap(config, dir, tools, files, sql, control);
        this.rewindAndClone = new RewindAndClone(config, dir, tools, files, control);
        this.members = new MemberReconciler(config, files, sql);
        this.parameters = new ServerParameters(sql);
        this.postmasterWatch = new PostmasterWatch(dir::postmaster);
    }

    /** Free space that belongs to something else (the store's released reserve) is not counted as PostgreSQL's. */
    public void oweRoom(RoomOwed owed) {
        observer.oweRoom(owed);
    }

    public DataDirectory dataDirectory() {
        return dir;
    }

    /** The address the agent itself connects to. */
    public String localAddress() {
        return Addresses.agentAddress(pg.listen());
    }

    @Override
    public synchronized PgStatus observe() {
        // every loop pass: the log files stay within their bound at most one loop_wait after a burst
        serverLogs.pruneIfDue();
        return observer.observe();
    }

    @Override
    public OptionalLong postmasterPid() {
        return dir.postmaster().map(h -> OptionalLong.of(h.pid())).orElse(OptionalLong.empty());
    }

    @Override
    public void watchPostmaster(Runnable onExit) {
        postmasterWatch.watch(onExit);
    }

    @Override
    public synchronized void bootstrap() throws PostgresException {
        if (files.archiving()) refuseOverEarlierBackups();
        bootstrap.bootstrap();
    }

    @Override
    public synchronized void restoreFromBackup(RestoreTarget target) throws PostgresException {
        if (!files.archiving())
            throw new PostgresException("a restore was ordered but this node has no backup section: configure the"
                    + " repository on every node first");
        new BackupRestore(config, dir, tools, files, sql, control).restore(target);
    }

    /** pgBackRest's configuration, written at the agent's start so that pgha restore and backup find it. */
    public void writeBackRestConfig() throws PostgresException {
        try {
            if (files.archiving()) files.writeBackRestConfig();
        } catch (IOException e) {
            throw new PostgresException("cannot write pgBackRest's configuration: " + e.getMessage(), e);
        }
    }

    /** A new database over a repository holding an earlier one's backups would fork the archive: restore instead. */
    private void refuseOverEarlierBackups() throws PostgresException {
        writeBackRestConfig();
        BackupInventory inventory;
        try {
            OsCommand.Result r = new BackRest(config).info();
            if (!r.ok()) return;
            inventory = BackupInventory.parse(r.output());
        } catch (IOException e) {
            return;
        }
        if (inventory.stanzaExists() && !inventory.backups().isEmpty())
            throw new PostgresException("backup repository " + config.backup().repoPath() + " already holds "
                    + inventory.backups().size() + " backups of stanza " + config.backup().stanza() + " (an earlier"
                    + " database): bring it back with pgha restore, or set backup.stanza or backup.repository.path"
                    + " to start a new one");
    }

    @Override
    public synchronized void startPrimary() throws PostgresException {
        control.startPrimary();
    }

    @Override
    public synchronized void startStandby(Upstream upstream) throws PostgresException {
        control.startStandby(upstream);
    }

    @Override
    public synchronized void follow(Upstream upstream) throws PostgresException {
        control.follow(upstream);
    }

    @Override
    public synchronized void promote() throws PostgresException {
        control.promote();
    }

    @Override
    public synchronized void stop(boolean immediate) throws PostgresException {
        control.stop(immediate);
    }

    @Override
    public void stopNow() throws PostgresException {
        control.stopNow();
    }

    @Override
    public boolean isStandbyConfigured() {
        return dir.standbySignal();
    }

    @Override
    public synchronized void markStandby() throws PostgresException {
        control.markStandby();
    }

    @Override
    public synchronized boolean rewind(Upstream upstream) throws PostgresException {
        return rewindAndClone.rewind(upstream);
    }

    @Override
    public synchronized void cloneFrom(Upstream upstream) throws PostgresException {
        rewindAndClone.cloneFrom(upstream);
    }

    @Override
    public synchronized Path moveDataAside() throws PostgresException {
        return rewindAndClone.moveDataAside();
    }

    @Override
    public synchronized void reconcileMembers(Map<String, String> memberAddresses) throws PostgresException {
        members.reconcile(memberAddresses);
    }

    @Override
    public synchronized void kill() throws PostgresException {
        control.kill();
    }

    @Override
    public synchronized void reload() throws PostgresException {
        control.reload();
    }

    @Override
    public synchronized void applyParameters(Map<String, String> wanted, Set<String> previous) throws PostgresException {
        parameters.apply(wanted, previous);
    }

    @Override
    public synchronized boolean nudgeWal() throws PostgresException {
        return parameters.nudgeWal();
    }

    @Override
    public synchronized void setSynchronousStandbys(SyncNames names) throws PostgresException {
        parameters.setSynchronousStandbys(names);
    }

    @Override
    public String systemIdentifier() throws PostgresException {
        return tools.controlData(dir.path(), "Database system identifier");
    }

    @Override
    public long checkpointLocation() throws PostgresException {
        return Lsn.parse(tools.controlData(dir.path(), "Latest checkpoint location"));
    }

    @Override
    public String following() {
        return files.following();
    }

    /** Ends the postmaster watch (without its callback) for the agent's shutdown; the server keeps running. */
    @Override
    public void close() {
        postmasterWatch.close();
    }
}
