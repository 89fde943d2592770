package dev.relay.runner.executor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one v2 execution needs, as the engine decided it: which component, with which input
 * values and artifacts. Built by the pipeline model (v2core) and run by {@link V2Executor}.
 *
 * @param pipelineRoot the run's pipeline root as given ({@code defaultPipelineRoot} or the run's), or
 *                     null: {@code {{$.pipeline_root}}} then is {@code s3://<bucket>/runs/<run>}
 * @param parameters   input name → typed value; an input left out takes its {@code defaultValue}; a
 *                     string may hold {@code {{$.pipeline_job_name}}}-style placeholders (the
 *                     compiler's runtime constants), which {@link V2Executor} resolves
 * @param artifacts    input name → its artifacts (one, or several for {@code isArtifactList})
 * @param platform     {@code platforms.kubernetes} config of this executor, {@link PlatformSpec#NONE} when absent
 */
public record ExecutorTask(TaskIdentity id, String pipelineRoot, ComponentIo io, ExecutorSpec executor,
                           PlatformSpec platform, Map<String, JsonNode> parameters,
                           Map<String, List<InputArtifact>> artifacts) {
    /** Copies the maps (immutable, order kept). */
    public ExecutorTask {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Map<String, List<InputArtifact>> a = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> a.put(k, List.copyOf(v)));
        artifacts = Collections.unmodifiableMap(a);
        platform = platform == null ? PlatformSpec.NONE : platform;
    }
}
