package dev.relay.runner.model;

import dev.relay.runner.spec.Names;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one graph type of the model (after Tekton's {@code dag.Graph}): the tasks of one DAG, their
 * direct neighbours and a topological order computed once, and where the DAG's outputs come from.
 * Errors name the tasks involved.
 */
public final class DagSpec {
    private final Map<String, TaskNode> tasks;
    private final List<String> order;
    private final Map<String, Set<String>> up = new LinkedHashMap<>();
    private final Map<String, Set<String>> down = new LinkedHashMap<>();
    private final Map<String, String> segments = new LinkedHashMap<>();
    private final Map<String, String> keyOfSegment = new LinkedHashMap<>();
    private final Map<String, DagOutput> parameterOutputs;
    private final Map<String, DagOutput> artifactOutputs;

    /**
     * @param tasks            task key → task, in declaration order
     * @param parameterOutputs output parameter name → selectors
     * @param artifactOutputs  output artifact name → selectors
     * @throws ModelException when a task depends on an unknown task or on itself, the graph has a
     *                        cycle, two task keys sanitize to the same path segment, or an output
     *                        names an unknown task
     */
    public DagSpec(Map<String, TaskNode> tasks, Map<String, DagOutput> parameterOutputs,
                   Map<String, DagOutput> artifactOutputs) throws ModelException {
        this.tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
        this.parameterOutputs = Collections.unmodifiableMap(new LinkedHashMap<>(parameterOutputs));
        this.artifactOutputs = Collections.unmodifiableMap(new LinkedHashMap<>(artifactOutputs));
        Map<String, String> bySegment = new LinkedHashMap<>();
        for (TaskNode t : this.tasks.values()) {
            String seg = Names.dnsLabel(t.key());
            String other = bySegment.putIfAbsent(seg, t.key());
            if (other != null) {
                throw new ModelException("tasks '" + other + "' and '" + t.key() + "' both become '" + seg
                        + "' in object keys; rename one");
            }
            segments.put(t.key(), seg);
            keyOfSegment.put(seg, t.key());
            up.put(t.key(), new LinkedHashSet<>());
            down.put(t.key(), new LinkedHashSet<>());
        }
        for (TaskNode t : this.tasks.values()) {
            for (String d : t.dependencies()) {
                if (!this.tasks.containsKey(d)) {
                    throw new ModelException("task '" + t.key() + "' depends on unknown task '" + d + "'");
                }
                if (d.equals(t.key())) {
                    throw new ModelException("task '" + t.key() + "' depends on itself");
                }
                up.get(t.key()).add(d);
                down.get(d).add(t.key());
            }
        }
        for (Map<String, DagOutput> outs : List.of(this.parameterOutputs, this.artifactOutputs)) {
            for (Map.Entry<String, DagOutput> e : outs.entrySet()) {
                for (DagOutput.Selector s : e.getValue().selectors()) {
                    if (!this.tasks.containsKey(s.task())) {
                        throw new ModelException("output '" + e.getKey() + "' comes from unknown task '" + s.task() + "'");
                    }
                }
            }
        }
        Map<String, Integer> remaining = new LinkedHashMap<>();
        Deque<String> ready = new ArrayDeque<>();
        up.forEach((k, v) -> {
            remaining.put(k, v.size());
            if (v.isEmpty()) {
                ready.add(k);
            }
        });
        List<String> o = new ArrayList<>();
        while (!ready.isEmpty()) {
            String k = ready.poll();
            o.add(k);
            for (String d : down.get(k)) {
                if (remaining.merge(d, -1, Integer::sum) == 0) {
                    ready.add(d);
                }
            }
        }
        if (o.size() != this.tasks.size()) {
            List<String> stuck = new ArrayList<>(this.tasks.keySet());
            stuck.removeAll(o);
            throw new ModelException("the tasks " + stuck + " form a cycle");
        }
        this.order = List.copyOf(o);
        up.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        down.replaceAll((k, v) -> Collections.unmodifiableSet(v));
    }

    /** Task key → task, in declaration order. */
    public Map<String, TaskNode> tasks() {
        return tasks;
    }

    /** @return the task with that key, or null */
    public TaskNode task(String key) {
        return tasks.get(key);
    }

    /** Task keys, each after its upstream tasks (ties in declaration order). */
    public List<String> order() {
        return order;
    }

    /** Direct upstream tasks of {@code key} (empty for an unknown key). */
    public Set<String> upstream(String key) {
        return up.getOrDefault(key, Set.of());
    }

    /** Direct downstream tasks of {@code key} (empty for an unknown key). */
    public Set<String> downstream(String key) {
        return down.getOrDefault(key, Set.of());
    }

    /** The path segment of task {@code key}: its DNS-1123 label; null for an unknown key. */
    public String segment(String key) {
        return segments.get(key);
    }

    /** @return the task key whose segment is {@code segment}, or null */
    public String keyOfSegment(String segment) {
        return keyOfSegment.get(segment);
    }

    /** Output parameter name → where it comes from ({@code dag.outputs.parameters}). */
    public Map<String, DagOutput> parameterOutputs() {
        return parameterOutputs;
    }

    /** Output artifact name → where it comes from ({@code dag.outputs.artifacts}). */
    public Map<String, DagOutput> artifactOutputs() {
        return artifactOutputs;
    }
}
