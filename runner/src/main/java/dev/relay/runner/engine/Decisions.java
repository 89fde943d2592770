package dev.relay.runner.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine decided after one event: executions to launch and, when every task is terminal,
 * how the run ends. Launching is idempotent downstream (deterministic execution names), so a
 * repeated decision is harmless.
 *
 * @param launches executions to launch, in a stable order
 * @param finish   present when the run is over
 */
public record Decisions(List<Launch> launches, Optional<RunFinish> finish) {
    /** Nothing to do. */
    public static final Decisions NONE = new Decisions(List.of(), Optional.empty());

    /** Launch attempt {@code attempt} (1-based) of {@code task}. */
    public record Launch(String task, int attempt) {}

    /**
     * The run is over.
     *
     * @param phase Succeeded when every task succeeded, else Failed
     * @param tasks every task's final phase, in the DAG's order
     */
    public record RunFinish(Phase phase, Map<String, Phase> tasks) {}

    public boolean isEmpty() {
        return launches.isEmpty() && finish.isEmpty();
    }
}
