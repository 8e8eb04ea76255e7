package io.pgha.dcs;

import io.pgha.config.NodeConfig;
import io.pgha.testing.LocalEtcd;
import java.time.Duration;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The store contract against a real three-member etcd cluster on loopback, once with each etcd client (a fresh cluster each). */
@ParameterizedClass(name = "etcd client {0}")
@EnumSource(EtcdClients.Kind.class)
class EtcdStoreContractTest extends StoreContract {
    private static final int BASE_PORT = 19100;
    private static LocalEtcd etcd;

    @Parameter
    EtcdClients.Kind client;

    @BeforeParameterizedClassInvocation
    static void startEtcd(EtcdClients.Kind client) throws Exception {
        System.setProperty(EtcdClients.PROPERTY, client.name().toLowerCase(java.util.Locale.ROOT));
        etcd = LocalEtcd.start(BASE_PORT, 3);
    }

    @AfterParameterizedClassInvocation
    static void stopEtcd() throws Exception {
        System.clearProperty(EtcdClients.PROPERTY);
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
