package io.pgha.admin;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A single real ZooKeeper server inside the test's JVM, on loopback; its files are deleted on close. */
final class InJvmZookeeper implements AutoCloseable {
    private static final int TICK_MILLIS = 2000;

    private final Path dir;
    private final ZooKeeperServer server;
    private final ServerCnxnFactory connections;
    private final int port;

    private InJvmZookeeper(Path dir, ZooKeeperServer server, ServerCnxnFactory connections, int port) {
        this.dir = dir;
        this.server = server;
        this.connections = connections;
        this.port = port;
    }

    static InJvmZookeeper start(int port) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("pgha-zk-");
        ZooKeeperServer server = new ZooKeeperServer(dir.toFile(), dir.toFile(), TICK_MILLIS);
        ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 100);
        connections.startup(server);
        return new InJvmZookeeper(dir, server, connections, port);
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws IOException {
        connections.shutdown();
        server.shutdown();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
