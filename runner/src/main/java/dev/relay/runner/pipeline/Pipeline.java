package dev.relay.runner.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.TaskSpec;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline read from its file: the engine's {@link PipelineModel} and, for the launchers, what
 * each executor component runs, kept as written: for IR the {@code components.<key>} and
 * {@code deploymentSpec.executors.<label>} nodes and the platform spec; for KFP v1 the task and its
 * component, keyed by the model's component key.
 *
 * @param model     the model the engine walks
 * @param spec      the IR document (PipelineSpec), or null for v1
 * @param platforms the {@code platforms} document of IR ({@code kfp-kubernetes}), or null
 * @param v1        the v1 pipeline, or null for IR
 * @param v1Tasks   model component key → the v1 task it runs (empty for IR)
 */
public record Pipeline(PipelineModel model, JsonNode spec, JsonNode platforms, ComponentSpec v1,
                       Map<String, TaskSpec> v1Tasks) {
    /** Copies the map. */
    public Pipeline {
        Objects.requireNonNull(model, "model");
        v1Tasks = Map.copyOf(v1Tasks);
    }

    /** @return the model's format ({@link PipelineModel#FORMAT_IR} or {@link PipelineModel#FORMAT_V1}) */
    public String format() {
        return model.format();
    }

    /** @return {@code components.<key>} of the IR as written, or a missing node */
    public JsonNode componentSpec(String key) {
        return spec == null ? MissingNode.getInstance() : spec.path("components").path(key);
    }

    /** @return {@code deploymentSpec.executors.<label>} of the IR for the component {@code key}, or a missing node */
    public JsonNode executor(String key) {
        Component c = model.component(key);
        if (spec == null || c.executorLabel() == null) {
            return MissingNode.getInstance();
        }
        return spec.path("deploymentSpec").path("executors").path(c.executorLabel());
    }

    /** @return the v1 task that the model's component {@code key} runs, or null */
    public TaskSpec v1Task(String key) {
        return v1Tasks.get(key);
    }
}
