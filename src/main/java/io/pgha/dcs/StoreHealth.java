package io.pgha.dcs;

/**
 * The agent's connection to the store, as fencing needs it.
 *
 * @param connected        the session is connected now
 * @param sessionLost      the session expired: any lease it held is gone
 * @param suspendedAtNanos System.nanoTime() when the connection was lost (meaningful when not connected)
 */
public record StoreHealth(boolean connected, boolean sessionLost, long suspendedAtNanos) {
    public static StoreHealth ok() {
        return new StoreHealth(true, false, 0);
    }
}
