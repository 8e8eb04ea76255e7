package io.pgha.demo;

import java.util.List;

/**
 * The ports of a {@link LocalCluster}: kind k of node i listens on base + k*stride + i, the kinds being PostgreSQL (0),
 * the ZooKeeper peer's client, quorum and election ports (1, 2, 3), the REST API (4) and the read-write and
 * read-only proxy (5, 6). A cluster of n nodes needs ports base..base+6*stride+n-1.
 */
record PortLayout(int base, int stride) {
    PortLayout {
        if (stride < 1) throw new IllegalArgumentException("a port stride must be positive, not " + stride);
    }

    int pg(int i) {
        return base + i;
    }

    int zkClient(int i) {
        return base + stride + i;
    }

    int zkQuorum(int i) {
        return base + 2 * stride + i;
    }

    int zkElection(int i) {
        return base + 3 * stride + i;
    }

    int api(int i) {
        return base + 4 * stride + i;
    }

    int proxy(int i) {
        return base + 5 * stride + i;
    }

    int readOnlyProxy(int i) {
        return base + 6 * stride + i;
    }

    /** Every port node i binds. */
    List<Integer> of(int i) {
        return List.of(pg(i), zkClient(i), zkQuorum(i), zkElection(i), api(i), proxy(i), readOnlyProxy(i));
    }
}
