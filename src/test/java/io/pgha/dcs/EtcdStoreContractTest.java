package io.pgha.dcs;

import io.pgha.config.NodeConfig;
import io.pgha.testing.LocalEtcd;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract against a real three-member etcd cluster on loopback. */
class EtcdStoreContractTest extends StoreContract {
    private static final int BASE_PORT = 19100;
    private static LocalEtcd etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = LocalEtcd.start(BASE_PORT, 3);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        etcd.close();
    }

    @Override
    NodeConfig.Dcs dcs(Integer port) {
        return Stores.fromAddress(port == null ? etcd.dcsAddress() : "etcd://127.0.0.1:" + port);
    }

    @Override
    int serverPort() {
        return BASE_PORT;
    }

    @Override
    int proxyPort() {
        return BASE_PORT + 10;
    }

    /** One request, bounded by half the ttl, retried once by the client. */
    @Override
    Duration unreachableBound() {
        return TTL.multipliedBy(2);
    }
}
