package dev.relay.runner.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relay.runner.engine.Phase;
import java.util.Map;

/**
 * {@code runs/<run>/status.json}, written once when the run finishes (docs/contracts.md).
 *
 * @param message why the run ended when no task says it (a run past its deadline), else null
 *     (absent from the JSON; statuses written before it read as null)
 */
public record RunStatus(String runId, Phase phase, String startedAt, String finishedAt, Map<String, Phase> tasks,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String message) {
    /** A status without a message: the run ended as its tasks did. */
    public RunStatus(String runId, Phase phase, String startedAt, String finishedAt, Map<String, Phase> tasks) {
        this(runId, phase, startedAt, finishedAt, tasks, null);
    }
}
