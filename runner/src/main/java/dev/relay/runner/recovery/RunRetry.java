package dev.relay.runner.recovery;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.store.ArtifactStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a run's next generation: {@link #retry} ({@code relay runs retry}, KFP's retry) re-runs
 * the failed and canceled tasks of a finished run, and with them the tasks that were Skipped or
 * never started because of them; {@link #resume} ({@code relay run --resume}) continues a run
 * whose driver died, re-running the attempts that were lost. Tasks that succeeded are not run
 * again. Each writes the generation marker ({@link Generations#begin}) and then drives the run
 * ({@link Sweep#kick}). A retry removes the task-level {@code status.json} objects that are not
 * successes (a DAG task that failed, a task skipped or failed before launch): they were the ended
 * generation's decisions, and the attempts they came from stay in the bucket.
 */
public final class RunRetry {
    /**
     * What a retry or resume did.
     *
     * @param generation the generation started, or the current one when nothing was started
     * @param tasks      the task paths that run again (from the attempt given)
     */
    public record Result(String runId, int generation, Map<String, Integer> tasks) {}

    private final ArtifactStore store;
    private final Generations generations;
    private final Sweep sweep;

    public RunRetry(ArtifactStore store, Generations generations, Sweep sweep) {
        this.store = store;
        this.generations = generations;
        this.sweep = sweep;
    }

    /**
     * Re-runs the failed and canceled tasks of a finished run (Failed or Canceled).
     *
     * @return empty when there is no such run
     * @throws IllegalStateException with a one-line message when the run is still running or succeeded
     */
    public Optional<Result> retry(String runId) {
        if (store.stat(RunLayout.runJson(runId)).isEmpty()) {
            return Optional.empty();
        }
        Generations.Generation g = generations.current(runId);
        Optional<RunStatus> status = generations.status(g);
        if (status.isEmpty()) {
            throw new IllegalStateException("run " + runId + " is still running; cancel it first or wait for its end");
        }
        if (status.get().phase() == Phase.Succeeded) {
            throw new IllegalStateException("run " + runId + " succeeded: nothing to retry");
        }
        RunObjects objects = RunObjects.list(store, runId);
        Map<String, Integer> restart = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : objects.newestFinished(g).entrySet()) {
            String task = e.getKey();
            AttemptStatus s = read(runId, task, e.getValue());
            if (s != null && s.phase() == ExecutionPhase.Failed) {
                restart.put(task, objects.newestAttempt(task) + 1);
            }
        }
        for (Map.Entry<String, Integer> u : objects.unfinished()) {
            // claimed, never finished (ended by a cancel before its status): run it again too
            if (u.getValue() >= g.firstAttempt(u.getKey())) {
                restart.put(u.getKey(), objects.newestAttempt(u.getKey()) + 1);
            }
        }
        // task-level statuses that are not successes (a DAG that failed, a task skipped or failed
        // before launch) are decisions of the generation that ended: the new one decides again
        for (String task : objects.taskStatuses()) {
            String key = RunLayout.taskStatus(runId, task);
            boolean succeeded = store.get(key).map(b -> Json.read(b, com.fasterxml.jackson.databind.JsonNode.class, key))
                    .map(n -> "Succeeded".equals(n.path("phase").asText())).orElse(true);
            if (!succeeded) {
                store.delete(key);
            }
        }
        Generations.Generation next = generations.begin(g, Generations.RETRY, restart);
        sweep.kick(runId);
        return Optional.of(new Result(runId, next.generation(), restart));
    }

    /**
     * Continues a run whose driver died: lost attempts (claimed, no status, owner gone) are ended
     * and written Failed ({@code Lost}) in a new generation that runs them again, then the run is
     * driven. A run with nothing lost is only driven (a lost notification is picked up).
     *
     * @return empty when there is no such run
     * @throws IllegalStateException with a one-line message when the run is over (retry it instead)
     */
    public Optional<Result> resume(String runId) {
        if (store.stat(RunLayout.runJson(runId)).isEmpty()) {
            return Optional.empty();
        }
        Generations.Generation g = generations.current(runId);
        Optional<RunStatus> status = generations.status(g);
        if (status.isPresent()) {
            throw new IllegalStateException("run " + runId + " is over (" + status.get().phase()
                    + "); use 'relay runs retry " + runId + "' to run its failed tasks again");
        }
        if (g.isCancel()) {
            throw new IllegalStateException("run " + runId + " is being canceled; use 'relay runs retry " + runId
                    + "' once it is Canceled");
        }
        RunObjects objects = RunObjects.list(store, runId);
        List<Sweep.Lost> lost = sweep.findLost(objects);
        int generation = g.generation();
        Map<String, Integer> restart = new LinkedHashMap<>();
        if (!lost.isEmpty()) {
            Sweep.Resumed resumed = sweep.resumeLost(g, lost);
            generation = resumed.generation().generation();
            restart.putAll(resumed.restart());
        }
        sweep.kick(runId);
        return Optional.of(new Result(runId, generation, restart));
    }

    private AttemptStatus read(String runId, String task, int attempt) {
        String key = RunLayout.attemptStatus(runId, task, attempt);
        return store.get(key).map(b -> Json.read(b, AttemptStatus.class, key)).orElse(null);
    }
}
