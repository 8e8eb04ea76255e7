package io.pgha.cli;

import java.util.Optional;
import java.util.function.Predicate;

/** The CLI's waits for the cluster to reach a state: a bounded poll of the store. */
final class Polling {
    interface Check {
        boolean done() throws Exception;
    }

    interface Probe<T> {
        T read() throws Exception;
    }

    private Polling() {}

    /** True as soon as {@code check} holds; false when it still does not after {@code timeoutSeconds}. */
    static boolean until(int timeoutSeconds, long pollMillis, Check check) throws Exception {
        return firstMatching(timeoutSeconds, pollMillis, check::done, done -> done).isPresent();
    }

    /** The first value {@code probe} reads that {@code settled} accepts; empty when none did within {@code timeoutSeconds}. */
    static <T> Optional<T> firstMatching(int timeoutSeconds, long pollMillis, Probe<T> probe, Predicate<T> settled) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (true) {
            T value = probe.read();
            if (settled.test(value)) return Optional.of(value);
            if (System.nanoTime() > deadline) return Optional.empty();
            Thread.sleep(pollMillis);
        }
    }
}
