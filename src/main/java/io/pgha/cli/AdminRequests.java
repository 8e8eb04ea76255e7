package io.pgha.cli;

import io.pgha.admin.ClusterAdmin;
import io.pgha.admin.Outcome;
import io.pgha.dcs.Store;
import java.io.PrintStream;

/** The CLI's way to make an operator request: connect, ask {@link ClusterAdmin}, report the {@link Outcome}. */
final class AdminRequests {
    interface Request {
        Outcome on(ClusterAdmin admin);
    }

    /** What a command does after its request succeeded, with the store still open; returns the exit code. */
    interface FollowUp {
        int with(Store store) throws Exception;
    }

    private AdminRequests() {}

    /** Connects, makes the request with the settings the options give, reports it; exit code 0 or 1. */
    static int run(StoreOptions options, Request request) throws Exception {
        return run(options, request, store -> 0);
    }

    /** As {@link #run(StoreOptions, Request)}, then {@code followUp} (say, a wait) once the request succeeded. */
    static int run(StoreOptions options, Request request, FollowUp followUp) throws Exception {
        try (Store store = options.connect()) {
            if (!report(request.on(new ClusterAdmin(store, options.haSettings())))) return 1;
            return followUp.with(store);
        }
    }

    /** Prints the outcome on stdout when it succeeded, as {@code pgha: message} on stderr otherwise. */
    static boolean report(Outcome outcome) {
        return report(outcome, System.out, System.err);
    }

    static boolean report(Outcome outcome, PrintStream out, PrintStream err) {
        if (outcome.succeeded()) out.println(outcome.message());
        else err.println("pgha: " + outcome.message());
        return outcome.succeeded();
    }
}
