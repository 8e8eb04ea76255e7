package io.pgha.cli;

/** A command line that cannot be carried out as written; the message says how to fix it. */
public class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }
}
