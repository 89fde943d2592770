package dev.relay.runner.recovery;

import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.store.ArtifactStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one listing of {@code runs/<run>/tasks/} says of a run's attempts: per task path, the
 * attempts that were claimed ({@code launched.json}) and those that wrote their
 * {@code status.json}, and the tasks with a task-level {@code status.json} (DAG tasks).
 */
record RunObjects(String runId, Map<String, TreeSet<Integer>> claimed, Map<String, TreeSet<Integer>> finished,
                  Set<String> taskStatuses) {

    static RunObjects list(ArtifactStore store, String runId) {
        Map<String, TreeSet<Integer>> claimed = new TreeMap<>();
        Map<String, TreeSet<Integer>> finished = new TreeMap<>();
        Set<String> tasks = new LinkedHashSet<>();
        String prefix = RunLayout.tasksPrefix(runId);
        for (String k : store.list(prefix, true)) {
            if (k.endsWith("/" + LaunchIntents.FILE)) {
                String rest = k.substring(prefix.length(), k.length() - LaunchIntents.FILE.length() - 1);
                int at = rest.lastIndexOf("/attempts/");
                if (at > 0) {
                    try {
                        int n = Integer.parseInt(rest.substring(at + "/attempts/".length()));
                        claimed.computeIfAbsent(rest.substring(0, at), t -> new TreeSet<>()).add(n);
                    } catch (NumberFormatException ignored) {
                        // not an attempt folder
                    }
                }
                continue;
            }
            RunLayout.parse(k).ifPresent(key -> {
                if (key.kind() == RunLayout.Kind.ATTEMPT_STATUS) {
                    finished.computeIfAbsent(key.task(), t -> new TreeSet<>()).add(key.attempt());
                } else if (key.kind() == RunLayout.Kind.TASK_STATUS) {
                    tasks.add(key.task());
                }
            });
        }
        return new RunObjects(runId, claimed, finished, tasks);
    }

    /** @return claimed attempts with no status yet: (task, attempt) pairs */
    List<Map.Entry<String, Integer>> unfinished() {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        claimed.forEach((task, ns) -> {
            for (int n : ns) {
                if (!finished.getOrDefault(task, new TreeSet<>()).contains(n)) {
                    out.add(Map.entry(task, n));
                }
            }
        });
        return out;
    }

    /** @return every task path with a status (an attempt's or its own) */
    Set<String> tasksWithStatus() {
        Set<String> out = new LinkedHashSet<>(finished.keySet());
        out.addAll(taskStatuses);
        return out;
    }

    /** @return the highest attempt number claimed or finished for {@code task}, 0 when none */
    int newestAttempt(String task) {
        int a = claimed.containsKey(task) ? claimed.get(task).last() : 0;
        int b = finished.containsKey(task) ? finished.get(task).last() : 0;
        return Math.max(a, b);
    }

    /** Task path → newest finished attempt at or above the generation's first attempt. */
    Map<String, Integer> newestFinished(Generations.Generation g) {
        Map<String, Integer> out = new LinkedHashMap<>();
        finished.forEach((task, ns) -> {
            if (ns.last() >= g.firstAttempt(task)) {
                out.put(task, ns.last());
            }
        });
        return out;
    }
}
