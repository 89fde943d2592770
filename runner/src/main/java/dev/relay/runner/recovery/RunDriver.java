package dev.relay.runner.recovery;

import dev.relay.runner.store.ArtifactStore;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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

    /**
     * A driver for a controller that decides per event: its start, then the newest status of each
     * task that has one (every decision a notification could have asked for).
     */
    static RunDriver stepwise(ArtifactStore store, Consumer<String> start, BiConsumer<String, String> advance) {
        return runId -> {
            start.accept(runId);
            for (String task : RunObjects.list(store, runId).tasksWithStatus()) {
                advance.accept(runId, task);
            }
        };
    }
}
