package io.pgha.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A single real ZooKeeper server inside the test's JVM, on loopback; its files are deleted on close. */
public final class InJvmZookeeper implements AutoCloseable {
    private static final int TICK_MILLIS = 200;

    private final Path dataDir;
    private final ZooKeeperServer server;
    private final ServerCnxnFactory connections;
    private final int port;

    private InJvmZookeeper(Path dataDir, ZooKeeperServer server, ServerCnxnFactory connections, int port) {
        this.dataDir = dataDir;
        this.server = server;
        this.connections = connections;
        this.port = port;
    }

    public static InJvmZookeeper start(int port) throws IOException, InterruptedException {
        return start(port, 60_000);
    }

    /** A server that grants sessions of at most {@code maxSessionMillis}, like zoo.cfg's maxSessionTimeout. */
    public static InJvmZookeeper start(int port, int maxSessionMillis) throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("pgha-zk-test-");
        ZooKeeperServer server = new ZooKeeperServer(dataDir.toFile(), dataDir.toFile(), TICK_MILLIS);
        server.setMaxSessionTimeout(maxSessionMillis);
        ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 100);
        connections.startup(server);
        return new InJvmZookeeper(dataDir, server, connections, port);
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Stops answering: every client loses its connection. */
    public void stop() {
        connections.shutdown();
        server.shutdown();
    }

    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
