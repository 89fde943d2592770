package dev.relay.runner.launch;

/**
 * Starts executions: a local process (embedded default) or a Kubernetes Job (cluster). Launching is
 * idempotent: a second launch of the same {@link ExecutionRequest#executionId()} does nothing. An
 * execution always ends by writing its {@code attempts/<n>/status.json}, success or not.
 */
public interface Launcher extends AutoCloseable {
    /**
     * Starts the execution in the background.
     *
     * @return true if it was started now, false if it had been launched before
     */
    boolean launch(ExecutionRequest request);

    @Override
    default void close() {}
}
