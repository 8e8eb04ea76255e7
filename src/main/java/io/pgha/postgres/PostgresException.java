package io.pgha.postgres;

/** A PostgreSQL operation failed; the message says which and what the tool answered. */
public class PostgresException extends Exception {
    public PostgresException(String message) {
        super(message);
    }

    public PostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
