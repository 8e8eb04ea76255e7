package io.pgha.admin;

/** What became of an operator's request, with a message for the operator; the REST layer maps the kind to a status code. */
public record Outcome(Kind kind, String message) {
    public enum Kind {
        /** Done already. */
        DONE,
        /** Recorded in the store; the agents carry it out. */
        ACCEPTED,
        /** The request itself is wrong (an unknown member, a missing argument). */
        INVALID,
        /** The request is sound but the cluster's state forbids it now. */
        REFUSED,
        /** The store (or this agent) cannot take requests now; try again. */
        UNAVAILABLE
    }

    public static Outcome done(String message) {
        return new Outcome(Kind.DONE, message);
    }

    public static Outcome accepted(String message) {
        return new Outcome(Kind.ACCEPTED, message);
    }

    public static Outcome invalid(String message) {
        return new Outcome(Kind.INVALID, message);
    }

    public static Outcome refused(String message) {
        return new Outcome(Kind.REFUSED, message);
    }

    public static Outcome unavailable(String message) {
        return new Outcome(Kind.UNAVAILABLE, message);
    }

    /** Done or on its way. */
    public boolean succeeded() {
        return kind == Kind.DONE || kind == Kind.ACCEPTED;
    }
}
