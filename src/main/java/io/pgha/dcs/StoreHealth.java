package io.pgha.dcs;

/**
 * The agent's connection to the store, as fencing needs it.
 *
 * @param connected          the session is connected now
 * @param sessionLost        the session expired: any lease it held is gone
 * @param lastContactNanos   System.nanoTime() when the latest request that the store answered was sent;
 *                           the store cannot expire the session before this plus the session timeout
 */
public record StoreHealth(boolean connected, boolean sessionLost, long lastContactNanos) {
    public static StoreHealth ok() {
        return new StoreHealth(true, false, System.nanoTime());
    }
}
