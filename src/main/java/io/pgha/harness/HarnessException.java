package io.pgha.harness;

/** {@code pgha harness} cannot go on; the message says what is wrong and how to fix it. */
public final class HarnessException extends Exception {
    public HarnessException(String message) {
        super(message);
    }

    public HarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
