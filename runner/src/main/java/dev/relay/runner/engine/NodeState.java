package dev.relay.runner.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the bucket says of one task path, as {@link PipelineEngine} reads it:
 * <ul>
 *   <li>an executor task: its newest attempt with a {@code status.json} ({@code attempt} &ge; 1,
 *       {@code phase} Succeeded or Failed) and, when it succeeded, its output parameters and artifacts;</li>
 *   <li>a DAG task (sub-pipeline, condition, loop, loop iteration, exit handler) or a task that
 *       ended without running: the task status the controller wrote when the engine decided it was
 *       over ({@code attempt} 0, {@code phase} terminal);</li>
 *   <li>nothing yet: {@link #NONE}.</li>
 * </ul>
 *
 * @param attempt    newest attempt with a status, 0 for none or for a task status without attempt
 * @param phase      Succeeded, Failed or Skipped; null when nothing is known
 * @param parameters output parameter name → typed value
 * @param artifacts  output artifact name → artifacts (one for an executor's output, a list for a collected one)
 * @param message    why it failed, or null
 */
public record NodeState(int attempt, Phase phase, Map<String, JsonNode> parameters,
                        Map<String, List<ArtifactRef>> artifacts, String message) {
    /** Nothing known. */
    public static final NodeState NONE = new NodeState(0, null, Map.of(), Map.of(), null);

    /** Copies the maps (immutable, order kept); null maps become empty. */
    public NodeState {
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        artifacts = artifacts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
    }

    /** An attempt's status without outputs. */
    public static NodeState attempt(int attempt, ExecutionPhase phase) {
        return new NodeState(attempt, phase == ExecutionPhase.Succeeded ? Phase.Succeeded : Phase.Failed,
                Map.of(), Map.of(), null);
    }

    /** @return whether a status is known */
    public boolean known() {
        return phase != null;
    }
}
