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

    /**
     * Ends every execution of {@code runId} still running (a local process and its children, or
     * the run's Jobs). Each ended execution still writes its Failed {@code status.json}. An
     * execution whose {@link #launch} returned before this call is ended too, or never starts,
     * also when its process or Job starts later: the controller relies on it when a cancel races
     * a launch ({@code RunController.launchAttempt}).
     *
     * @return how many executions were ended
     */
    default int cancel(String runId) {
        return 0;
    }

    /**
     * @return the kind recorded in each launch's intent record: {@code local} (a process on this
     *     machine, judged lost when its owner is gone) or {@code kubernetes} (a Job, whose end
     *     the job-status handler reports)
     */
    default String kind() {
        return dev.relay.runner.recovery.LaunchIntents.LOCAL;
    }

    /** @return where a running execution's log is read before its {@code log.txt} is stored ({@link LiveLog#NONE}: nowhere) */
    default LiveLog liveLog() {
        return LiveLog.NONE;
    }

    @Override
    default void close() {}
}
