package dev.relay.runner.spec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code implementation.graph} of a KFP v1 graph component ({@code GraphSpec} in
 * {@code kfp/components/_structures.py}): the tasks and where the pipeline's outputs come from.
 * The task graph is a DAG; its topological order and each task's direct neighbours are computed
 * once, so {@link #upstream} and {@link #downstream} are O(1).
 */
public final class GraphSpec {
    private final Map<String, TaskSpec> tasks;
    private final Map<String, Argument.TaskOutput> outputValues;
    private final List<String> topologicalOrder;
    private final Map<String, Set<String>> upstream;
    private final Map<String, Set<String>> downstream;

    /**
     * @param tasks        task id → task, in declaration order
     * @param outputValues pipeline output name → the task output it takes its value from
     * @throws IllegalArgumentException if a task id key differs from its task's id, a
     *                                  {@code taskOutput} names an unknown task, or the graph has a cycle
     *                                  ({@link ComponentLoader} reports these as {@link SpecError}s first)
     */
    public GraphSpec(Map<String, TaskSpec> tasks, Map<String, Argument.TaskOutput> outputValues) {
        this.tasks = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tasks, "tasks")));
        this.outputValues = outputValues == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(outputValues));
        Map<String, Set<String>> up = new LinkedHashMap<>();
        Map<String, Set<String>> down = new LinkedHashMap<>();
        for (Map.Entry<String, TaskSpec> e : this.tasks.entrySet()) {
            if (!e.getKey().equals(e.getValue().id())) {
                throw new IllegalArgumentException("task key '" + e.getKey() + "' differs from its id '"
                        + e.getValue().id() + "'");
            }
            up.put(e.getKey(), new LinkedHashSet<>());
            down.put(e.getKey(), new LinkedHashSet<>());
        }
        for (TaskSpec t : this.tasks.values()) {
            for (String dep : t.dependencies()) {
                if (!this.tasks.containsKey(dep)) {
                    throw new IllegalArgumentException("task '" + t.id() + "' depends on unknown task '" + dep + "'");
                }
                up.get(t.id()).add(dep);
                down.get(dep).add(t.id());
            }
        }
        for (Argument.TaskOutput o : this.outputValues.values()) {
            if (!this.tasks.containsKey(o.taskId())) {
                throw new IllegalArgumentException("output value names unknown task '" + o.taskId() + "'");
            }
        }
        // Kahn's algorithm; ties broken by declaration order, so the order is deterministic.
        Map<String, Integer> remaining = new LinkedHashMap<>();
        Deque<String> ready = new ArrayDeque<>();
        for (Map.Entry<String, Set<String>> e : up.entrySet()) {
            remaining.put(e.getKey(), e.getValue().size());
            if (e.getValue().isEmpty()) {
                ready.add(e.getKey());
            }
        }
        List<String> order = new ArrayList<>(this.tasks.size());
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(id);
            for (String d : down.get(id)) {
                if (remaining.merge(d, -1, Integer::sum) == 0) {
                    ready.add(d);
                }
            }
        }
        if (order.size() != this.tasks.size()) {
            throw new IllegalArgumentException("the task graph has a cycle: " + findCycle(up));
        }
        this.topologicalOrder = List.copyOf(order);
        up.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        down.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        this.upstream = Collections.unmodifiableMap(up);
        this.downstream = Collections.unmodifiableMap(down);
    }

    /** Task id → task, in declaration order. */
    public Map<String, TaskSpec> tasks() {
        return tasks;
    }

    /** Pipeline output name → the task output it comes from ({@code outputValues}). */
    public Map<String, Argument.TaskOutput> outputValues() {
        return outputValues;
    }

    /** Every task id, each after all its upstream tasks (ties in declaration order). */
    public List<String> topologicalOrder() {
        return topologicalOrder;
    }

    /**
     * The direct upstream tasks of {@code taskId} (those whose outputs it consumes).
     *
     * @throws IllegalArgumentException for an unknown task id
     */
    public Set<String> upstream(String taskId) {
        return neighbours(upstream, taskId);
    }

    /**
     * The direct downstream tasks of {@code taskId} (those consuming its outputs).
     *
     * @throws IllegalArgumentException for an unknown task id
     */
    public Set<String> downstream(String taskId) {
        return neighbours(downstream, taskId);
    }

    /** Tasks with no upstream task, in declaration order. */
    public List<String> roots() {
        List<String> r = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : upstream.entrySet()) {
            if (e.getValue().isEmpty()) {
                r.add(e.getKey());
            }
        }
        return r;
    }

    private static Set<String> neighbours(Map<String, Set<String>> m, String taskId) {
        Set<String> s = m.get(taskId);
        if (s == null) {
            throw new IllegalArgumentException("unknown task '" + taskId + "'");
        }
        return s;
    }

    /**
     * One cycle of a graph given as node → direct predecessors, written {@code a -> b -> a} in
     * data-flow order; null when there is none.
     */
    static String findCycle(Map<String, ? extends Set<String>> upstreamOf) {
        Map<String, Integer> state = new LinkedHashMap<>(); // 1 on stack, 2 done
        for (String start : upstreamOf.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            List<String> stack = new ArrayList<>();
            List<java.util.Iterator<String>> its = new ArrayList<>();
            stack.add(start);
            its.add(upstreamOf.get(start).iterator());
            state.put(start, 1);
            while (!stack.isEmpty()) {
                java.util.Iterator<String> it = its.get(its.size() - 1);
                if (it.hasNext()) {
                    String next = it.next();
                    Integer st = state.get(next);
                    if (st == null) {
                        if (!upstreamOf.containsKey(next)) {
                            continue;
                        }
                        state.put(next, 1);
                        stack.add(next);
                        its.add(upstreamOf.get(next).iterator());
                    } else if (st == 1) {
                        // stack[i..] is a path following "depends on" edges; reverse it for data flow.
                        List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(next), stack.size()));
                        Collections.reverse(cycle);
                        // start at the task declared first, so the message is stable and readable
                        List<String> declared = new ArrayList<>(upstreamOf.keySet());
                        String first = cycle.stream().min(java.util.Comparator.comparingInt(declared::indexOf))
                                .orElseThrow();
                        Collections.rotate(cycle, -cycle.indexOf(first));
                        cycle.add(cycle.get(0));
                        return String.join(" -> ", cycle);
                    }
                } else {
                    state.put(stack.remove(stack.size() - 1), 2);
                    its.remove(its.size() - 1);
                }
            }
        }
        return null;
    }
}
