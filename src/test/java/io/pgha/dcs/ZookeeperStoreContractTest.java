package io.pgha.dcs;

import io.pgha.config.NodeConfig;
import java.time.Duration;
import io.pgha.testing.InJvmZookeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract against a real ZooKeeper server in this JVM. */
class ZookeeperStoreContractTest extends StoreContract {
    private static final int PORT = 11010;
    private static InJvmZookeeper server;

    @BeforeAll
    static void startServer() throws Exception {
        server = InJvmZookeeper.start(PORT);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    NodeConfig.Dcs dcs(Integer port) {
        return Stores.fromAddress("127.0.0.1:" + (port == null ? PORT : port));
    }

    @Override
    int serverPort() {
        return PORT;
    }

    @Override
    int proxyPort() {
        return PORT + 1;
    }

    /** Curator's three attempts each wait for a connection that the frozen network never completes. */
    @Override
    Duration unreachableBound() {
        return TTL.multipliedBy(5);
    }
}
