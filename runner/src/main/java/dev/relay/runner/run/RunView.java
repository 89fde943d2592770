package dev.relay.runner.run;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.engine.Engine;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.engine.TaskStatus;
import dev.relay.runner.store.ArtifactStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run as the bucket tells it: the shape of {@code GET /api/v1/runs/{id}} and
 * {@code relay runs get} (CONTRACTS.md "Run request"), rebuilt from {@code runs/<run>/} alone.
 *
 * @param phase      the run's phase: from {@code status.json} once finished, else Running
 * @param finishedAt null while running
 * @param tasks      in topological order
 */
public record RunView(String runId, RunDoc.PipelineRef pipeline, Phase phase, Map<String, String> parameters,
                      RunDoc.Cause cause, String createdAt, String finishedAt, List<TaskView> tasks) {

    /**
     * One task of the run.
     *
     * @param attempts how many attempts wrote a status
     * @param exitCode the newest attempt's exit code, or null
     * @param outputs  output name → URI, from the attempt that succeeded
     * @param startedAt  the newest finished attempt's start, or null
     * @param finishedAt the newest finished attempt's end, or null
     */
    public record TaskView(String name, Phase phase, int attempts, Integer exitCode, String reason, String message,
                           Map<String, String> outputs, String startedAt, String finishedAt) {}

    private static final Pattern STATUS = Pattern.compile("([^/]+)/attempts/([0-9]+)/status\\.json");

    /**
     * Reads a run: {@code run.json}, one listing of its tasks, the newest status of each task and
     * the run's {@code status.json} if written.
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
        String prefix = RunLayout.tasksPrefix(runId);
        Map<String, Integer> attempts = new HashMap<>();
        for (String key : store.list(prefix, true)) {
            Matcher m = STATUS.matcher(key.substring(prefix.length()));
            if (m.matches()) {
                attempts.merge(m.group(1), Integer.parseInt(m.group(2)), Math::max);
            }
        }
        Map<String, AttemptStatus> newest = new HashMap<>();
        attempts.forEach((task, n) -> {
            String key = RunLayout.attemptStatus(runId, task, n);
            store.get(key).ifPresent(b -> newest.put(task, Json.read(b, AttemptStatus.class, key)));
        });
        // the status of the run's current generation (a retried run runs again after its first end)
        Generations generations = new Generations(store, java.time.Clock.systemUTC());
        Generations.Generation g = generations.current(runId);
        Optional<RunStatus> finished = generations.status(g);
        Map<String, Phase> phases = finished.map(RunStatus::tasks).orElseGet(() -> Engine.phases(plan.dag(), t -> {
            AttemptStatus s = newest.get(t);
            return s == null || s.attempt() < g.firstAttempt(t) ? TaskStatus.NONE
                    : TaskStatus.of(s.attempt() - g.firstAttempt(t) + 1, s.phase());
        }));
        List<TaskView> tasks = new ArrayList<>();
        for (String t : plan.taskNames()) {
            AttemptStatus s = newest.get(t);
            Map<String, String> outputs = new LinkedHashMap<>();
            if (s != null && s.outputs() != null) {
                s.outputs().forEach((name, ref) -> outputs.put(name, ref.uri()));
            }
            tasks.add(new TaskView(t, phases.getOrDefault(t, Phase.Pending), attempts.getOrDefault(t, 0),
                    s == null ? null : s.exitCode(), s == null ? null : s.reason(), s == null ? null : s.message(), outputs,
                    s == null ? null : s.startedAt(), s == null ? null : s.finishedAt()));
        }
        return Optional.of(new RunView(runId, doc.pipeline(), finished.map(RunStatus::phase).orElse(Phase.Running),
                doc.parameters(), doc.cause(), doc.createdAt(), finished.map(RunStatus::finishedAt).orElse(null), tasks));
    }

    /** @return the task named {@code name}, or empty */
    public Optional<TaskView> task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
