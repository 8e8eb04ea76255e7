package io.pgha.fault;

import org.junit.jupiter.api.Test;

/** {@link FaultSuiteTest}'s short run with a three-member etcd as the store, one member in each node's namespace. */
class EtcdFaultSuiteTest {
    @Test
    void onEtcdUnderFaultsOfEveryKindNoAcknowledgedWriteIsLostOrSplitAndTheClusterConverges() throws Exception {
        FaultSuiteTest.runShortSuite(true);
    }
}
