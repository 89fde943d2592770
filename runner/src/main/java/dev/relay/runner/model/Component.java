package dev.relay.runner.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One component of a pipeline: what a task runs. A container or importer (an executor) or a DAG.
 *
 * @param name          its key ({@code comp-...} in IR, the task id for a translated v1 task)
 * @param dag           the sub-DAG, or null for an executor
 * @param defaults      input name → {@code defaultValue} (typed JSON) of its parameter inputs
 * @param spec          the component as written ({@code components.<name>} in IR); {@link NullNode} for v1
 * @param executorLabel {@code executorLabel}, null for a DAG
 * @param executor      {@code deploymentSpec.executors.<executorLabel>} as written, or null
 * @param v1            the KFP v1 component it was translated from, or null
 */
public record Component(String name, DagSpec dag, Map<String, JsonNode> defaults, JsonNode spec,
                        String executorLabel, JsonNode executor, dev.relay.runner.spec.ComponentSpec v1) {
    /** Copies the defaults (immutable, order kept). */
    public Component {
        Objects.requireNonNull(name, "name");
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        spec = spec == null ? NullNode.getInstance() : spec;
    }

    /** @return true for a container or importer, false for a DAG */
    public boolean isExecutor() {
        return dag == null;
    }

    /** @return true when the executor is an importer ({@code importer:} in the deployment spec) */
    public boolean isImporter() {
        return executor != null && executor.has("importer");
    }
}
