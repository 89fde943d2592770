package dev.relay.runner.recovery;

/**
 * Executions that run off this machine (Kubernetes Jobs), as the {@link Sweep} asks after them:
 * does the execution of a claimed attempt that wrote no status still exist? One that is gone
 * (deleted, vanished, never created because its launcher died after the claim) will never write
 * its status, so the sweep writes the attempt Failed with reason {@code Lost}.
 */
public interface RemoteExecutions {
    /** @return the launcher kind of these executions, as {@link LaunchIntents} records it (e.g. {@link LaunchIntents#KUBERNETES}) */
    String kind();

    /**
     * @return true when the attempt's execution exists (running, or finished and not yet removed),
     *     false when it does not
     * @throws RuntimeException when that cannot be told (the API server does not answer): the
     *     sweep then leaves the attempt alone
     */
    boolean exists(String runId, String task, int attempt);
}
