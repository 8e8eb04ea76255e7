package io.pgha.admin;

/**
 * One base backup as its agent sees it. Times are ISO-8601 instants (null until known); {@code percent} is
 * pgBackRest's own progress figure; {@code source} says which node it is taken from and why.
 *
 * @param state running, succeeded or failed
 * @param trigger request (an operator's) or schedule
 */
public record BackupJobStatus(String node, String type, String trigger, String state, double percent, String label,
                              String startedAt, String stoppedAt, Long sizeBytes, Long repositoryBytes, String error,
                              String source) {
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public boolean running() {
        return RUNNING.equals(state);
    }
}
