package dev.relay.runner.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline as the engine runs it: a root DAG component and the components its tasks name. KFP
 * v2 IR ({@link dev.relay.runner.model.ir.IrReader}) and KFP v1 graph components
 * ({@link dev.relay.runner.model.v1.V1Translator}) translate into it. It is derived from the spec
 * kept in {@code run.json}, never stored.
 *
 * @param name            {@code pipelineInfo.name} (v1: the component's name)
 * @param format          {@link #FORMAT_IR} or {@link #FORMAT_V1}
 * @param root            the root component (a DAG)
 * @param components      component key → component, every one a task names (the root included)
 * @param pipelineRoot    {@code defaultPipelineRoot}, or null
 * @param platforms       the platform spec document ({@code platforms:}), or null
 */
public record PipelineModel(String name, String format, Component root, Map<String, Component> components,
                            String pipelineRoot, JsonNode platforms) {
    /** KFP v2 PipelineSpec (IR), YAML or JSON. */
    public static final String FORMAT_IR = "kfp-v2-ir";
    /** KFP v1 component with {@code implementation.graph}. */
    public static final String FORMAT_V1 = "kfp-v1-graph";

    /** @throws IllegalArgumentException when the root is not a DAG */
    public PipelineModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(root, "root");
        if (root.dag() == null) {
            throw new IllegalArgumentException("the root of pipeline '" + name + "' is not a DAG");
        }
        components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }

    /**
     * @return the component named {@code key}
     * @throws IllegalArgumentException naming the key when there is none
     */
    public Component component(String key) {
        Component c = components.get(key);
        if (c == null) {
            throw new IllegalArgumentException("pipeline '" + name + "' has no component '" + key + "'");
        }
        return c;
    }
}
