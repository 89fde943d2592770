package dev.relay.runner.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One task of a DAG (KFP's {@code PipelineTaskSpec}): runs a component (a container, an importer or
 * a sub-DAG), optionally under a condition, as a loop, with retries and caching.
 *
 * @param key            the task's key in its DAG (unique there); its path segment is
 *                       {@link dev.relay.runner.spec.Names#dnsLabel(String)} of it
 * @param name           {@code taskInfo.name} (the key when absent)
 * @param component      the key of its component in {@link PipelineModel#components()}
 * @param dependencies   upstream tasks of the same DAG: {@code dependentTasks} plus every producer its inputs name
 * @param inputs         input name → source, parameters and artifacts alike (a name is unique across both)
 * @param condition      {@code triggerPolicy.condition}, a CEL expression over {@code inputs.parameter_values}; null for none
 * @param runAfterAll    {@code triggerPolicy.strategy: ALL_UPSTREAM_TASKS_COMPLETED} (exit handlers,
 *                       {@code ignore_upstream_failure}): starts once every upstream task is over, however it ended
 * @param loop           the iterator when the task is a {@code ParallelFor}, else null
 * @param retry          {@code retryPolicy}
 * @param cache          {@code cachingOptions.enableCache}
 * @param v1             the KFP v1 task it was translated from, or null for IR
 */
public record TaskNode(String key, String name, String component, Set<String> dependencies,
                       Map<String, InputSource> inputs, String condition, boolean runAfterAll, LoopSpec loop,
                       RetryPolicy retry, boolean cache, dev.relay.runner.spec.TaskSpec v1) {
    /** Copies the collections (immutable, order kept). */
    public TaskNode {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(component, "component");
        name = name == null ? key : name;
        dependencies = Collections.unmodifiableSet(new LinkedHashSet<>(dependencies));
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        retry = retry == null ? RetryPolicy.NONE : retry;
    }
}
