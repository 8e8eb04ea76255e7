package io.pgha.routing;

/** A request the client must fix: answered with its message, never logged as a failure. */
final class BadRequest extends Exception {
    final int status;

    BadRequest(String message) {
        this(400, message);
    }

    BadRequest(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
