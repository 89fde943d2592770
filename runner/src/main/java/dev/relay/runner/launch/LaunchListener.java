package dev.relay.runner.launch;

/** Sees what local executions do, for progress output. Methods are called from worker threads. */
public interface LaunchListener {
    /** The process of an execution started. */
    default void started(ExecutionRequest request) {}

    /** One line the process printed (stdout and stderr merged), without its line break. */
    default void line(ExecutionRequest request, String line) {}

    LaunchListener NONE = new LaunchListener() {};
}
