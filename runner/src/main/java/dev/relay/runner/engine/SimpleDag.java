package dev.relay.runner.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable {@link Dag} built from task ids and edges, with neighbour sets and a topological
 * order precomputed (Kahn's algorithm, ties in insertion order).
 */
public final class SimpleDag implements Dag {
    private final List<String> tasks;
    private final Map<String, Set<String>> up;
    private final Map<String, Set<String>> down;
    private final Map<String, Integer> retries;

    private SimpleDag(Builder b) {
        this.tasks = topological(b);
        this.retries = Map.copyOf(b.tasks);
        Map<String, Set<String>> u = new LinkedHashMap<>();
        Map<String, Set<String>> d = new LinkedHashMap<>();
        for (String t : tasks) {
            u.put(t, Collections.unmodifiableSet(b.up.getOrDefault(t, new LinkedHashSet<>())));
            d.put(t, Collections.unmodifiableSet(b.down.getOrDefault(t, new LinkedHashSet<>())));
        }
        this.up = u;
        this.down = d;
    }

    private static List<String> topological(Builder b) {
        Map<String, Integer> indegree = new LinkedHashMap<>();
        b.tasks.keySet().forEach(t -> indegree.put(t, b.up.getOrDefault(t, Set.of()).size()));
        java.util.ArrayDeque<String> ready = new java.util.ArrayDeque<>();
        indegree.forEach((t, d) -> {
            if (d == 0) {
                ready.add(t);
            }
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String t = ready.poll();
            order.add(t);
            for (String d : b.down.getOrDefault(t, Set.of())) {
                if (indegree.merge(d, -1, Integer::sum) == 0) {
                    ready.add(d);
                }
            }
        }
        if (order.size() != b.tasks.size()) {
            throw new IllegalArgumentException("the task graph has a cycle");
        }
        return List.copyOf(order);
    }

    /**
     * @return a builder; tasks come out in topological order, ties in the order first added
     * @throws IllegalArgumentException from {@link Builder#build()} when the edges form a cycle
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<String> tasks() {
        return tasks;
    }

    @Override
    public Set<String> upstream(String task) {
        return up.getOrDefault(task, Set.of());
    }

    @Override
    public Set<String> downstream(String task) {
        return down.getOrDefault(task, Set.of());
    }

    @Override
    public boolean contains(String task) {
        return retries.containsKey(task);
    }

    @Override
    public int maxRetries(String task) {
        return retries.getOrDefault(task, 0);
    }

    /** Collects tasks and edges. */
    public static final class Builder {
        private final Map<String, Integer> tasks = new LinkedHashMap<>();
        private final Map<String, Set<String>> up = new LinkedHashMap<>();
        private final Map<String, Set<String>> down = new LinkedHashMap<>();

        /** Adds a task with no retries. */
        public Builder task(String id) {
            return task(id, 0);
        }

        /** Adds a task (or updates its retry budget); {@code maxRetries} &ge; 0. */
        public Builder task(String id, int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
            }
            tasks.put(id, maxRetries);
            return this;
        }

        /** Adds the edge {@code from → to} (to consumes an output of from); adds unknown tasks. */
        public Builder edge(String from, String to) {
            tasks.putIfAbsent(from, 0);
            tasks.putIfAbsent(to, 0);
            down.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
            up.computeIfAbsent(to, k -> new LinkedHashSet<>()).add(from);
            return this;
        }

        public SimpleDag build() {
            return new SimpleDag(this);
        }
    }

    @Override
    public String toString() {
        List<String> edges = new ArrayList<>();
        down.forEach((f, ts) -> ts.forEach(t -> edges.add(f + "->" + t)));
        return "SimpleDag" + tasks + edges;
    }
}
