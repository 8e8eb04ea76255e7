package io.pgha.agent;

import io.pgha.admin.BackupActions;
import io.pgha.admin.ClusterAdmin;
import io.pgha.admin.NodeAdmin;
import io.pgha.config.NodeConfig;
import io.pgha.postgres.ArchiverReader;
import io.pgha.postgres.BackRest;
import io.pgha.backup.BackupService;
import io.pgha.dcs.EmbeddedZookeeper;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.Store;
import io.pgha.dcs.Stores;
import io.pgha.ha.HaLoop;
import io.pgha.ha.Identity;
import io.pgha.postgres.LocalPostgres;
import io.pgha.postgres.PgMetricsReader;
import io.pgha.routing.PostgresScrape;
import io.pgha.postgres.PostgresException;
import io.pgha.postgres.ProcessWatchdog;
import io.pgha.postgres.Watchdog;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One node: wires the store, the local PostgreSQL and the HA loop together and runs until stopped. */
public final class Agent {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final NodeConfig config;

    public Agent(NodeConfig config) {
        this.config = config;
    }

    public void run() throws IOException, StoreException {
        var zk = config.dcs().zookeeper();
        // this node's peer, if it hosts one, runs in its own process (pgha store): the agent is only its client
        log.info("node {} of cluster {}: connecting to {}", config.name(), config.cluster(), Stores.describe(config.dcs()));
        Store store = Stores.openForAgent(config.dcs(), config.cluster(), config.ha().ttl(), Duration.ofMinutes(5));
        LocalPostgres pg = new LocalPostgres(config);
        if (zk != null && zk.embedded() && EmbeddedZookeeper.hostsPeer(zk.peers(), config.name()))
            pg.oweRoom(EmbeddedZookeeper.roomOwed(zk.dataDir()));
        var identity = new Identity(config.cluster(), config.name(), config.host(), config.postgres().port(),
                config.api().url(), config.tags().nofailover(), config.tags().priority());
        pg.dataDirectory().prepare(false);
        try {
            pg.writeBackRestConfig();
        } catch (io.pgha.postgres.PostgresException e) {
            log.error("{}: backups and restores will fail until it can be written", e.getMessage());
        }
        boolean unsafeNoFencing = UnsafeTestSwitch.noFencing(System.getenv());
        Watchdog watchdog = unsafeNoFencing ? Watchdog.NONE : ProcessWatchdog.start(pg.dataDirectory().runDir());
        HaLoop loop = new HaLoop(identity, pg, store, config.ha(), watchdog, !unsafeNoFencing);
        BackupService backups = config.backup() == null ? null
                : new BackupService(new BackRest(config), new ArchiverReader(config), loop::state);
        PgMetricsReader metrics = new PgMetricsReader(config.postgres());
        Routing routing = new Routing(config, loop::state, new NodeAdmin(new ClusterAdmin(store, config.ha()), config.name(),
                loop::requestReload), backups == null ? BackupActions.NONE : backups, loop::counters,
                new PostgresScrape(metrics::read, metrics::close));
        routing.start();
        loop.onState(routing::onState);
        Thread loopThread = Thread.ofPlatform().name("ha-loop").start(loop::run);
        if (backups != null) backups.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: PostgreSQL is stopped and the lease released");
            if (backups != null) backups.close();
            loop.close();
            watchdog.close();
            routing.close();
            try {
                loopThread.join(10_000);
                pg.stop(false);
                store.releaseLease(config.name());
            } catch (PostgresException | StoreException e) {
                log.warn("while stopping: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store.close();
        }, "shutdown"));
        try {
            loopThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
