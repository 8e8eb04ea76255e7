package io.pgha.dcs;

/**
 * A conditional write lost to somebody else: the key already exists, or its version moved since it was read.
 * The store answered; trying again blindly would overwrite the winner.
 */
public class StoreConflictException extends StoreException {
    public StoreConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
