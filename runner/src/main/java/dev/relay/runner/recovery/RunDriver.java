package dev.relay.runner.recovery;

/**
 * What drives a run: the run controller's evaluation of a run from the bucket's state, as the
 * sweep, retry and resume call it. It must be idempotent (decisions from the bucket's state;
 * launches claimed through {@link LaunchIntents}), so driving a run that already moved on does
 * nothing.
 */
@FunctionalInterface
public interface RunDriver {
    /** Evaluates the run as on any of its events: launches what can start, or ends the run. */
    void drive(String runId);

}
