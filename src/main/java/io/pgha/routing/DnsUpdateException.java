package io.pgha.routing;

import java.util.Optional;

/**
 * A DNS update was not applied. The message says what the server answered (or that it did not answer)
 * and what to check; it never contains the TSIG secret.
 */
public class DnsUpdateException extends Exception {
    private final String serverAnswer;

    public DnsUpdateException(String message) {
        this(message, (String) null);
    }

    public DnsUpdateException(String message, Throwable cause) {
        super(message, cause);
        this.serverAnswer = null;
    }

    /** @param serverAnswer the server's rcode name, e.g. {@code REFUSED} or {@code NOTAUTH/BADSIG} */
    public DnsUpdateException(String message, String serverAnswer) {
        super(message);
        this.serverAnswer = serverAnswer;
    }

    /** The server's rcode name; empty when no answer came (timeout, unreachable, local error). */
    public Optional<String> serverAnswer() {
        return Optional.ofNullable(serverAnswer);
    }
}
