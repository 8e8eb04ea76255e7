package io.pgha.dcs;

/** A failed etcd request, classified the way the store reacts to it. */
final class EtcdClientException extends RuntimeException {
    enum Kind {
        /** No answer (refused, timed out, no leader): try again later; the store counts it as lost contact. */
        UNAVAILABLE,
        /** etcd answered that the thing (a lease) does not exist. */
        NOT_FOUND,
        /** etcd answered no (credentials, permissions, bad request). */
        REFUSED
    }

    private final Kind kind;

    EtcdClientException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    static Kind kindOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof EtcdClientException c) return c.kind();
        return Kind.REFUSED;
    }
}
