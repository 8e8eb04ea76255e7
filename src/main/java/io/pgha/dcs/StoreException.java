package io.pgha.dcs;

/**
 * The store could not be read or written. Callers that need to tell the cases apart catch a subclass:
 * {@link StoreUnavailableException} (try again later) or {@link StoreConflictException} (somebody else won).
 */
public class StoreException extends Exception {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
