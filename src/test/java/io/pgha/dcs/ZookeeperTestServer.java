package io.pgha.dcs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A standalone ZooKeeper server inside the test JVM, on a port of 27200-27299 and a data directory it deletes. */
final class ZookeeperTestServer implements AutoCloseable {
    private static final int TICK_MILLIS = 200;

    private final Path dataDir;
    private final ZooKeeperServer server;
    private final ServerCnxnFactory connections;
    private final int port;

    private ZookeeperTestServer(Path dataDir, ZooKeeperServer server, ServerCnxnFactory connections, int port) {
        this.dataDir = dataDir;
        this.server = server;
        this.connections = connections;
        this.port = port;
    }

    static ZookeeperTestServer start(int port) throws Exception {
        if (port < 27200 || port > 27299) throw new IllegalArgumentException("the store tests own ports 27200-27299");
        Path dataDir = Files.createTempDirectory("pgha-zk-test-");
        ZooKeeperServer server = new ZooKeeperServer(dataDir.toFile(), dataDir.toFile(), TICK_MILLIS);
        server.setMaxSessionTimeout(60_000);
        ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 100);
        connections.startup(server);
        return new ZookeeperTestServer(dataDir, server, connections, port);
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Stops answering: every client loses its connection. */
    void stop() {
        connections.shutdown();
        server.shutdown();
    }

    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
