package dev.relay.runner.launch;

/** Sees what local executions do, for progress output. Methods are called from worker threads. */
public interface LaunchListener {
    /** The process of an execution started. */
    default void started(ExecutionRequest request) {}

    /** One line the process printed (stdout and stderr merged), without its line break. */
    default void line(ExecutionRequest request, String line) {}

    /**
     * The store could not take the execution's status after bounded retries: the attempt ended
     * ({@code StoreUnavailable}) but the bucket does not say so yet, so nothing will advance the
     * run until the store is back and a sweep publishes it. {@code message} is one plain line.
     */
    default void storeUnavailable(ExecutionRequest request, String message) {}

    LaunchListener NONE = new LaunchListener() {};
}
