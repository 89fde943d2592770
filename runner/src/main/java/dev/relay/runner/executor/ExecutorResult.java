package dev.relay.runner.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a finished v2 execution produced, read by {@link V2Executor#collect}.
 *
 * @param parameters output parameter name → typed value
 * @param artifacts  output artifact name → what to publish and record
 */
public record ExecutorResult(Map<String, JsonNode> parameters, Map<String, Artifact> artifacts) {
    /** Copies (immutable, order kept). */
    public ExecutorResult {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        artifacts = Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
    }

    /**
     * One output artifact.
     *
     * @param path     the local file or directory to publish, or null when the program wrote none
     *                 (KFP allows it: e.g. a {@code system.Metrics} lives in its metadata)
     * @param storeKey where it is published
     * @param metadata its metadata, from {@code executor_output.json} ({@code {}} when none)
     */
    public record Artifact(String name, ArtifactType type, String path, String storeKey, ObjectNode metadata) {}
}
