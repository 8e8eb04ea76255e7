package io.pgha.postgres;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a member's PostgreSQL is doing, as published and shown; {@link #label()} is the published text. */
public enum PgState {
    NO_DATA("no data"),
    STOPPED("stopped"),
    STARTING("starting"),
    NOT_ANSWERING("not answering"),
    RUNNING("running"),
    STREAMING("streaming"),
    ARCHIVE_RECOVERY("in archive recovery"),
    /** A label this version does not know (a newer agent's, or none at all). */
    UNKNOWN("unknown");

    private final String label;

    PgState(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @JsonCreator
    public static PgState fromLabel(String label) {
        for (PgState s : values()) {
            if (s.label.equals(label)) return s;
        }
        return UNKNOWN;
    }

    @Override
    public String toString() {
        return label;
    }
}
