package io.pgha.migrate;

/** A dump, load or migration that cannot go on; the message is one line naming the problem and the fix. */
public class MigrateException extends Exception {
    public MigrateException(String message) {
        super(message);
    }

    public MigrateException(String message, Throwable cause) {
        super(message, cause);
    }
}
