package io.pgha.dcs;

import io.pgha.config.HaSettings;
import io.pgha.config.NodeConfig;
import io.pgha.postgres.RoomOwed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's ZooKeeper peer, run by {@code pgha store} in a process of its own so that it neither dies nor
 * freezes with the agent; the peers of the first nodes form the quorum. Ticks are short so that a dead peer is
 * noticed and a new ZooKeeper leader elected in about a second.
 */
public final class EmbeddedZookeeper {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedZookeeper.class);
    static final int TICK_MILLIS = 200;

    private final Path dataDir;
    private final List<NodeConfig.ZkPeer> peers;
    private final int myId;
    private final AtomicBoolean restartRequested = new AtomicBoolean();
    private volatile PeerMain main;
    private Thread thread;
    private final StoreDiskReserve reserve;

    public EmbeddedZookeeper(Path dataDir, List<NodeConfig.ZkPeer> peers, String myName) {
        this.dataDir = dataDir;
        this.reserve = new StoreDiskReserve(dataDir);
        this.peers = peers;
        int id = 0;
        for (int i = 0; i < peers.size(); i++) if (peers.get(i).name().equals(myName)) id = i + 1;
        if (id == 0) throw new IllegalArgumentException("node " + myName + " is not among dcs.zookeeper.peers");
        this.myId = id;
    }

    public static boolean hostsPeer(List<NodeConfig.ZkPeer> peers, String name) {
        return peers.stream().anyMatch(p -> p.name().equals(name));
    }

    /** The room PostgreSQL must leave to the peer whose data directory is {@code dataDir}, on that filesystem. */
    public static RoomOwed roomOwed(Path dataDir) {
        return RoomOwed.on(dataDir, new StoreDiskReserve(dataDir)::owedBytes);
    }

    public NodeConfig.ZkPeer me() {
        return peers.get(myId - 1);
    }

    public void start() throws IOException {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.jmx.log4j.disable", "true");
        System.setProperty("zookeeper.4lw.commands.whitelist", "ruok,srvr");
        // the store holds kilobytes: 1 MB log pieces instead of 64 MB, and a new log every few thousand writes
        if (System.getProperty("zookeeper.preAllocSize") == null) System.setProperty("zookeeper.preAllocSize", "1024");
        if (System.getProperty("zookeeper.snapCount") == null) System.setProperty("zookeeper.snapCount", "10000");
        Files.createDirectories(dataDir);
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dataDir.resolve("myid"), myId + "\n");

        Properties p = new Properties();
        p.setProperty("tickTime", String.valueOf(TICK_MILLIS));
        p.setProperty("initLimit", "50");
        p.setProperty("syncLimit", "5");
        p.setProperty("dataDir", dataDir.toString());
        p.setProperty("clientPort", String.valueOf(me().clientPort()));
        p.setProperty("clientPortAddress", me().host());
        p.setProperty("minSessionTimeout", String.valueOf(HaSettings.MIN_TTL.toMillis()));
        p.setProperty("maxSessionTimeout", String.valueOf(HaSettings.MAX_TTL.toMillis()));
        p.setProperty("autopurge.snapRetainCount", "3");
        p.setProperty("autopurge.purgeInterval", "1");
        p.setProperty("cnxTimeout", "1000");
        for (int i = 0; i < peers.size(); i++) {
            var peer = peers.get(i);
            p.setProperty("server." + (i + 1), peer.host() + ":" + peer.quorumPort() + ":" + peer.electionPort());
        }
        QuorumPeerConfig config = new QuorumPeerConfig();
        try {
            config.parseProperties(p);
        } catch (Exception e) {
            throw new IOException("invalid embedded ZooKeeper settings: " + e.getMessage(), e);
        }
        reserve.check();
        thread = new Thread(() -> runPeer(config), "zookeeper-peer");
        thread.setDaemon(true);
        thread.start();
        PeerHealth health = new PeerHealth(me().host(), me().clientPort(), this::restart);
        Thread.ofPlatform().daemon().name("zookeeper-peer-watch").start(() -> watch(reserve, health));
        log.info("embedded ZooKeeper peer {} listening on {}:{}", myId, me().host(), me().clientPort());
    }

    /** Blocks while the peer runs: the store process's whole life. */
    public void awaitStop() throws InterruptedException {
        thread.join();
    }

    private void runPeer(QuorumPeerConfig config) {
        do {
            PeerMain peer = new PeerMain();
            main = peer;
            try {
                peer.runFromConfig(config);
            } catch (Throwable e) {
                log.error("embedded ZooKeeper peer stopped: {}", e.toString());
            }
        } while (restartRequested.getAndSet(false));
        // the quorum counts on this peer: a store process without it must not look alive to its supervisor
        log.error("the embedded ZooKeeper peer is gone; the store process exits so that it can be restarted");
        System.exit(70);
    }

    /** Stops the peer; {@link #runPeer} starts it again from its files, as a process restart would. */
    private void restart() {
        PeerMain peer = main;
        if (peer == null) return;
        restartRequested.set(true);
        peer.stop();
    }

    private static void watch(StoreDiskReserve reserve, PeerHealth health) {
        while (true) {
            try {
                Thread.sleep(PeerHealth.CHECK_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            reserve.check();
            health.check();
        }
    }

    /** QuorumPeerMain keeps its peer to itself; stopping it is how the peer is restarted in this JVM. */
    private static final class PeerMain extends QuorumPeerMain {
        void stop() {
            var peer = quorumPeer;
            if (peer != null) peer.shutdown();
        }
    }
}
