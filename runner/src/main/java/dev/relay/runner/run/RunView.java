package dev.relay.runner.run;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.engine.PipelineEngine;
import dev.relay.runner.store.ArtifactStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run as the bucket tells it: the shape of {@code GET /api/v1/runs/{id}} and
 * {@code relay runs get} (docs/contracts.md "Run request"), rebuilt from {@code runs/<run>/} alone.
 *
 * @param phase      the run's phase: from {@code status.json} once finished, else Running
 * @param finishedAt null while running
 * @param tasks      every task path of the run's tree, in the engine's order (a DAG task or loop iteration
 *                   after the tasks in it; {@link #tree()} puts parents first)
 * @param message    why the run ended when no task says it ({@link RunStatus#message()}), else null (left out of JSON)
 */
public record RunView(String runId, RunDoc.PipelineRef pipeline, Phase phase, Map<String, String> parameters,
                      RunDoc.Cause cause, String createdAt, String finishedAt, List<TaskView> tasks,
                      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                      String message) {

    /**
     * One task of the run.
     *
     * @param attempts how many attempts wrote a status
     * @param exitCode the newest attempt's exit code, or null
     * @param outputs  output name → URI, from the attempt that succeeded
     * @param startedAt  the newest finished attempt's start, or null
     * @param finishedAt the newest finished attempt's end, or null
     * @param cached     true when the newest attempt is a cache hit (its status says {@code "cached": true}),
     *                   else null (left out of JSON)
     */
    public record TaskView(String name, Phase phase, int attempts, Integer exitCode, String reason, String message,
                           Map<String, String> outputs, String startedAt, String finishedAt,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           Boolean cached) {}

    /**
     * Reads a run: {@code run.json}, one listing of its tasks, the newest status of each task path
     * (the engine's tree: every executor task, DAG task, loop iteration, in the engine's order)
     * and the run's {@code status.json} if written. Runs written before task paths read the same
     * (their tasks are one-segment paths).
     *
     * @return empty when the run does not exist
     * @throws IllegalStateException when the run's documents are unreadable
     */
    public static Optional<RunView> load(ArtifactStore store, String runId) {
        Optional<byte[]> runJson = store.get(RunLayout.runJson(runId));
        if (runJson.isEmpty()) {
            return Optional.empty();
        }
        RunDoc doc = Json.read(runJson.get(), RunDoc.class, RunLayout.runJson(runId));
        RunPlan plan = RunPlan.of(doc);
        // the status of the run's current generation (a retried run runs again after its first end),
        // read before the task listing: every attempt status is written before the run's status, so a
        // finished run's listing has them all (listed first, a run ending in between showed finished
        // with tasks lacking their attempts)
        Generations.Generation g = new Generations(store, java.time.Clock.systemUTC()).current(runId);
        Optional<RunStatus> finished = new Generations(store, java.time.Clock.systemUTC()).status(g);
        TaskStates states = new TaskStates(store, 100_000);
        states.knownKeys(new HashSet<>(store.list(RunLayout.tasksPrefix(runId), true)));
        Map<String, Object> params;
        try {
            params = plan.parameterValues(doc);
        } catch (RuntimeException e) {
            params = Map.of();
        }
        Map<String, Phase> phases = new LinkedHashMap<>(PipelineEngine.tree(plan.model().model(), runId, params,
                p -> states.lookup(runId, p, g, plan.isArgo())));
        finished.map(RunStatus::tasks).ifPresent(t -> t.forEach((k, v) -> {
            if (phases.containsKey(k) || !k.contains("/")) {
                phases.put(k, v);
            }
        }));
        List<TaskView> tasks = new ArrayList<>();
        for (Map.Entry<String, Phase> e : phases.entrySet()) {
            String t = e.getKey();
            AttemptStatus s = states.newest(runId, t).orElse(null);
            Map<String, String> outputs = new LinkedHashMap<>();
            if (s != null && s.outputs() != null) {
                s.outputs().forEach((name, ref) -> {
                    if (ref.uri() != null) {
                        outputs.put(name, ref.uri());
                    }
                });
            }
            tasks.add(new TaskView(t, e.getValue(), s == null ? 0 : s.attempt(),
                    s == null ? null : s.exitCode(), s == null ? null : s.reason(), s == null ? null : s.message(), outputs,
                    s == null ? null : s.startedAt(), s == null ? null : s.finishedAt(),
                    s != null && Boolean.TRUE.equals(s.cached()) ? Boolean.TRUE : null));
        }
        return Optional.of(new RunView(runId, doc.pipeline(), finished.map(RunStatus::phase).orElse(Phase.Running),
                doc.parameters(), doc.cause(), doc.createdAt(), finished.map(RunStatus::finishedAt).orElse(null), tasks,
                finished.map(RunStatus::message).orElse(null)));
    }

    /**
     * The tasks as the KFP UI's graph groups them: each DAG task (a loop, a loop iteration, a
     * sub-DAG) before the tasks in it, a parent's children in the order their first task appears
     * in {@link #tasks()}. {@code tasks} itself keeps the engine's order (the API's and
     * {@code --json}'s).
     *
     * @return every task of {@link #tasks()} once, depth first, parents first
     */
    public List<TaskView> tree() {
        Map<String, TaskView> byPath = new LinkedHashMap<>();
        Map<String, List<String>> children = new LinkedHashMap<>();
        for (TaskView t : tasks) {
            byPath.put(t.name(), t);
            // the task and each of its ancestors join their parent's children at their first appearance
            String path = t.name();
            while (true) {
                int slash = path.lastIndexOf('/');
                String parent = slash < 0 ? "" : path.substring(0, slash);
                List<String> siblings = children.computeIfAbsent(parent, k -> new ArrayList<>());
                if (siblings.contains(path)) {
                    break;
                }
                siblings.add(path);
                if (slash < 0) {
                    break;
                }
                path = parent;
            }
        }
        List<TaskView> out = new ArrayList<>(tasks.size());
        java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        List<String> roots = children.getOrDefault("", List.of());
        for (int i = roots.size() - 1; i >= 0; i--) {
            stack.push(roots.get(i));
        }
        while (!stack.isEmpty()) {
            String path = stack.pop();
            TaskView t = byPath.get(path);
            if (t != null) {
                out.add(t);
            }
            List<String> kids = children.getOrDefault(path, List.of());
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.push(kids.get(i));
            }
        }
        return out;
    }

    /**
     * @return true when a task path's last segment is a loop iteration's index ({@code for-loop-2/0}):
     *     all digits (KFP's task names, made from Python names, start with a letter)
     */
    public static boolean isIteration(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return !last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** @return the task named {@code name}, or empty */
    public Optional<TaskView> task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
