package io.pgha.ha;

/** This node's identity as published to the store. */
public record Identity(String cluster, String name, String host, int port, String apiUrl, boolean nofailover, int priority) {
    /** Tagged nofailover, or priority 0 (Patroni's meaning): this node never takes the lease in an election. */
    public boolean neverPromote() {
        return nofailover || priority == 0;
    }
}
