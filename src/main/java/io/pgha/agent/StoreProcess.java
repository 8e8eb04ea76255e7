package io.pgha.agent;

import io.pgha.config.ConfigException;
import io.pgha.config.NodeConfig;
import io.pgha.dcs.EmbeddedZookeeper;
import io.pgha.dcs.StoreDiskReserve;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgha store}: this node's embedded ZooKeeper peer alone, in a process of its own, so that the store's
 * quorum survives the agent's freezes, crashes and restarts (DESIGN.md: the agent is not the store).
 */
public final class StoreProcess {
    private static final Logger log = LoggerFactory.getLogger(StoreProcess.class);
    static final String LOG_FILE = "store.log";

    private final NodeConfig config;

    public StoreProcess(NodeConfig config) {
        this.config = config;
    }

    /** What must hold before the peer starts; every failure names the fix. */
    public static void check(NodeConfig config) throws ConfigException {
        List<String> problems = new ArrayList<>();
        var zk = config.dcs().zookeeper();
        if (zk == null || !zk.embedded()) {
            problems.add("dcs.zookeeper.embedded: this node's store is an external one, not a peer pgha runs:"
                    + " run only pgha agent here, or set embedded: true with peers");
        } else if (!EmbeddedZookeeper.hostsPeer(zk.peers(), config.name())) {
            problems.add("dcs.zookeeper.peers: node " + config.name() + " is not among the peers, so it hosts no store:"
                    + " run only pgha agent on it, or list it among the peers");
        } else {
            for (var peer : zk.peers()) {
                if (!peer.name().equals(config.name())) continue;
                String field = "dcs.zookeeper.peers[" + peer.name() + "]";
                StartupChecks.portFree(field + ".client_port", peer.host(), peer.clientPort(), problems);
                StartupChecks.portFree(field + ".quorum_port", peer.host(), peer.quorumPort(), problems);
                StartupChecks.portFree(field + ".election_port", peer.host(), peer.electionPort(), problems);
            }
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        sharedFilesystem(config).ifPresent(log::warn);
    }

    /** Beside the agent's log when it has a file ({@value #LOG_FILE}), else standard output like the agent's. */
    public static Optional<Path> logFile(NodeConfig config) {
        Path agentLog = config.agentLog().file();
        if (agentLog == null) return Optional.empty();
        Path store = agentLog.resolveSibling(LOG_FILE);
        return Optional.of(store.equals(agentLog) ? agentLog.resolveSibling("pgha-" + LOG_FILE) : store);
    }

    /** Runs the peer until the process is stopped; exits the process if the peer dies for good. */
    public void run() throws IOException, InterruptedException {
        var zk = config.dcs().zookeeper();
        EmbeddedZookeeper peer = new EmbeddedZookeeper(zk.dataDir(), zk.peers(), config.name());
        peer.start();
        log.info("store of node {} in cluster {}: ZooKeeper peer running, pid {}", config.name(), config.cluster(),
                ProcessHandle.current().pid());
        peer.awaitStop();
    }

    /** The store's few megabytes must not depend on the database's free space. */
    static Optional<String> sharedFilesystem(NodeConfig config) {
        var zk = config.dcs().zookeeper();
        try {
            FileStore store = Files.getFileStore(existing(zk.dataDir()));
            FileStore data = Files.getFileStore(existing(config.postgres().dataDir()));
            if (!store.equals(data)) return Optional.empty();
            return Optional.of("dcs.zookeeper.data_dir " + zk.dataDir() + " is on the same filesystem (" + store.name()
                    + ") as postgres.data_dir " + config.postgres().dataDir() + ": if PostgreSQL fills it, the store peer"
                    + " lives on a " + (StoreDiskReserve.RESERVE_BYTES >> 20) + " MB reserve; put dcs.zookeeper.data_dir"
                    + " on another filesystem");
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Path existing(Path p) {
        Path at = p.toAbsolutePath();
        while (at.getParent() != null && !Files.exists(at)) at = at.getParent();
        return at;
    }
}
