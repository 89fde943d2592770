package dev.relay.runner.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.engine.ArtifactRef;
import dev.relay.runner.engine.Phase;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/<run>/tasks/<path>/status.json}: the status of a task that ends without an attempt of
 * its own, written once by the controller when the engine decides it is over: a DAG task (nested
 * pipeline, condition group, loop, loop iteration, exit-handler group), or a task that failed before
 * launch (a condition that does not evaluate, loop items that are not a list). docs/contracts.md.
 *
 * @param phase      Succeeded, Failed or Skipped
 * @param message    why it failed, or null
 * @param parameters the DAG's output parameters: name → JSON value (a loop: the list in item order)
 * @param artifacts  the DAG's output artifacts: name → the attempts' outputs they are
 *                   ({@code tasks/<producer>/outputs/<output>}), in item order for a loop
 */
public record TaskStatusDoc(String runId, String task, Phase phase,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String message,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> parameters,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<ArtifactRef>> artifacts,
                            String finishedAt) {}
