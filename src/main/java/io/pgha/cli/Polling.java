package io.pgha.cli;

/** The CLI's waits for the cluster to reach a state: a bounded poll of the store. */
final class Polling {
    interface Check {
        boolean done() throws Exception;
    }

    private Polling() {}

    /** True as soon as {@code check} holds; false when it still does not after {@code timeoutSeconds}. */
    static boolean until(int timeoutSeconds, long pollMillis, Check check) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (true) {
            if (check.done()) return true;
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(pollMillis);
        }
    }
}
