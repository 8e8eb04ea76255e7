package io.pgha.dcs;

/**
 * The store did not answer: the connection or the session is lost, or the request timed out. Nothing is known
 * about whether a write took effect; trying again later is the remedy.
 */
public class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
