package dev.relay.runner.engine.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One component of a pipeline, as far as the engine needs it: an executor (container or importer,
 * run by a launcher) or a DAG. What an executor runs is kept by the reader
 * ({@code dev.relay.runner.pipeline.Pipeline}), under the same key.
 *
 * @param name          its key ({@code comp-...} in IR, the task path of its task for translated v1)
 * @param dag           the sub-DAG, or null for an executor
 * @param defaults      input name → {@code defaultValue} of its parameter inputs, as JSON values
 * @param executorLabel {@code executorLabel}, null for a DAG
 */
public record Component(String name, DagSpec dag, Map<String, Object> defaults, String executorLabel) {
    /** Copies the defaults (immutable, order kept). */
    public Component {
        Objects.requireNonNull(name, "name");
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
    }

    /** @return true for a container or importer, false for a DAG */
    public boolean isExecutor() {
        return dag == null;
    }
}
