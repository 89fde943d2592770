package dev.relay.runner.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The pure engine: given the DAG and what the bucket says of each task, decide what to launch
 * next and whether the run is over. No I/O; the caller supplies {@code lookup} (which reads
 * {@code attempts/<n>/status.json}) and carries out the decisions idempotently.
 *
 * <p>Like Tekton's {@code dag.GetCandidateTasks}, the next tasks are a function of the done tasks
 * only, so duplicate, late or reordered events give the same decisions. Lookups per event are
 * O(degree) for launching plus one for the end-of-run check; in-memory work is O(tasks).
 */
public final class Engine {
    private Engine() {}

    /**
     * Decisions when a run starts (its {@code run.json} was written): launch every root task that
     * has no status yet. An empty pipeline finishes at once as Succeeded.
     */
    public static Decisions start(Dag dag, Function<String, TaskStatus> lookup) {
        List<Decisions.Launch> launches = new ArrayList<>();
        for (String t : dag.tasks()) {
            if (dag.upstream(t).isEmpty() && lookup.apply(t).attempt() == 0) {
                launches.add(new Decisions.Launch(t, 1));
            }
        }
        return new Decisions(launches, launches.isEmpty() ? finish(dag, lookup) : Optional.empty());
    }

    /**
     * Decisions after an attempt of {@code task} wrote its status. Reads the task's newest status
     * through {@code lookup} (never the event's own, so a stale event changes nothing):
     * <ul>
     *   <li>Succeeded: launch each downstream task whose upstream tasks have all succeeded and
     *       that has no status yet;</li>
     *   <li>Failed with attempts left ({@code attempt <= maxRetries}): launch attempt n+1;</li>
     *   <li>Failed with none left: nothing more starts below it (its downstream is Skipped).</li>
     * </ul>
     * When no task can make progress any more, the run finishes.
     *
     * @throws IllegalArgumentException if {@code task} is not in the DAG
     */
    public static Decisions advance(Dag dag, String task, Function<String, TaskStatus> lookup) {
        if (!dag.contains(task)) {
            throw new IllegalArgumentException("unknown task '" + task + "'");
        }
        Map<String, TaskStatus> memo = new HashMap<>();
        Function<String, TaskStatus> cached = t -> memo.computeIfAbsent(t, lookup);
        TaskStatus status = cached.apply(task);
        List<Decisions.Launch> launches = new ArrayList<>();
        if (status.succeeded()) {
            for (String down : dag.downstream(task)) {
                if (cached.apply(down).attempt() == 0 && allSucceeded(dag.upstream(down), cached)) {
                    launches.add(new Decisions.Launch(down, 1));
                }
            }
        } else if (status.failed() && status.attempt() <= dag.maxRetries(task)) {
            launches.add(new Decisions.Launch(task, status.attempt() + 1));
        }
        if (!launches.isEmpty()) {
            return new Decisions(launches, Optional.empty());
        }
        return new Decisions(List.of(), finish(dag, cached));
    }

    /**
     * Every task's phase as far as the bucket tells: Succeeded, Failed (no attempts left),
     * Skipped (an upstream task failed or was skipped), Running (an attempt failed with attempts
     * left, or its upstream all succeeded) or Pending.
     */
    public static Map<String, Phase> phases(Dag dag, Function<String, TaskStatus> lookup) {
        Map<String, Phase> out = new LinkedHashMap<>();
        Set<String> doomed = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        for (String t : dag.tasks()) {
            TaskStatus s = lookup.apply(t);
            if (s.failed() && s.attempt() > dag.maxRetries(t)) {
                queue.addAll(dag.downstream(t));
            }
        }
        while (!queue.isEmpty()) {
            String t = queue.poll();
            if (doomed.add(t)) {
                queue.addAll(dag.downstream(t));
            }
        }
        for (String t : dag.tasks()) {
            TaskStatus s = lookup.apply(t);
            Phase p;
            if (s.succeeded()) {
                p = Phase.Succeeded;
            } else if (s.failed() && s.attempt() > dag.maxRetries(t)) {
                p = Phase.Failed;
            } else if (doomed.contains(t)) {
                p = Phase.Skipped;
            } else if (s.failed() || allSucceeded(dag.upstream(t), lookup)) {
                p = Phase.Running;
            } else {
                p = Phase.Pending;
            }
            out.put(t, p);
        }
        return out;
    }

    /**
     * The run is over when every task is Succeeded, Failed (no attempts left) or Skipped. Walks
     * the tasks in topological order: a task below a failed or skipped one is Skipped without a
     * lookup, and the walk stops at the first task still running or pending, so an event costs a
     * lookup of the first unfinished task only (terminal statuses are cached by callers).
     */
    private static Optional<Decisions.RunFinish> finish(Dag dag, Function<String, TaskStatus> lookup) {
        Map<String, Phase> phases = new LinkedHashMap<>();
        boolean anyFailed = false;
        for (String t : dag.tasks()) {
            boolean skipped = false;
            for (String up : dag.upstream(t)) {
                Phase p = phases.get(up);
                if (p == Phase.Failed || p == Phase.Skipped) {
                    skipped = true;
                    break;
                }
            }
            if (skipped) {
                phases.put(t, Phase.Skipped);
                anyFailed = true;
                continue;
            }
            TaskStatus s = lookup.apply(t);
            if (s.succeeded()) {
                phases.put(t, Phase.Succeeded);
            } else if (s.failed() && s.attempt() > dag.maxRetries(t)) {
                phases.put(t, Phase.Failed);
                anyFailed = true;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new Decisions.RunFinish(anyFailed ? Phase.Failed : Phase.Succeeded, phases));
    }

    private static boolean allSucceeded(Set<String> tasks, Function<String, TaskStatus> lookup) {
        for (String t : tasks) {
            if (!lookup.apply(t).succeeded()) {
                return false;
            }
        }
        return true;
    }
}
