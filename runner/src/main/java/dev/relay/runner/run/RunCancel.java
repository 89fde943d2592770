package dev.relay.runner.run;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.contract.Times;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.recovery.LocalExecutions;
import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Ends a run at a user's request (KFP's terminate, {@code relay runs cancel}): writes the run's
 * {@code status.json} with phase {@code Canceled} (its unfinished tasks {@code Canceled}), so the
 * controller launches nothing more for it, then asks the launcher to end the run's running
 * executions (local process groups, also those of another process on this machine, or Jobs).
 * The status is written with {@code putIfAbsent} on the current generation's key
 * ({@link Generations}), so a cancel racing the run's own end leaves exactly one outcome.
 * {@link dev.relay.runner.recovery.RunRetry} runs a canceled run's tasks again.
 */
public final class RunCancel {
    /** What a cancel did. */
    public enum Outcome { CANCELED, ALREADY_FINISHED }

    /**
     * @param phase            the run's phase after the call (Canceled, or the phase it had finished with)
     * @param executionsEnded  running executions ended now
     */
    public record Result(Outcome outcome, Phase phase, int executionsEnded) {}

    private final ArtifactStore store;
    private final Launcher launcher;
    private final Clock clock;

    private final LocalExecutions executions;

    /** @param launcher the launcher the run's executions were started with */
    public RunCancel(ArtifactStore store, Launcher launcher, Clock clock) {
        this(store, launcher, clock, null);
    }

    /**
     * @param launcher   the launcher of this process (ends the executions it runs), or null
     * @param executions the records of local executions on this machine (ends those another
     *                   process started: SIGTERM to the process group, SIGKILL after 5 s), or null
     */
    public RunCancel(ArtifactStore store, Launcher launcher, Clock clock, LocalExecutions executions) {
        this.store = store;
        this.launcher = launcher;
        this.clock = clock;
        this.executions = executions;
    }

    /**
     * Cancels a run; idempotent (a finished run is left as it is).
     *
     * @return empty when there is no such run
     * @throws IllegalArgumentException when {@code runId} is not a run id
     */
    public Optional<Result> cancel(String runId) {
        Optional<RunView> view = RunView.load(store, runId);
        if (view.isEmpty()) {
            return Optional.empty();
        }
        RunView v = view.get();
        if (v.finishedAt() != null) {
            return Optional.of(new Result(Outcome.ALREADY_FINISHED, v.phase(), 0));
        }
        Map<String, Phase> tasks = new LinkedHashMap<>();
        for (RunView.TaskView t : v.tasks()) {
            tasks.put(t.name(), t.phase().terminal() ? t.phase() : Phase.Canceled);
        }
        RunStatus status = new RunStatus(runId, Phase.Canceled, v.createdAt(), Times.format(clock.instant()), tasks);
        if (!new Generations(store, clock).finish(status)) {
            RunView now = RunView.load(store, runId).orElse(v);
            return Optional.of(new Result(Outcome.ALREADY_FINISHED, now.phase(), 0));
        }
        int ended = launcher == null ? 0 : launcher.cancel(runId);
        if (executions != null) {
            // executions this process did not start (another relay run, a server that died): by their records
            for (LocalExecutions.Record r : executions.ofRun(runId)) {
                if (r.processAlive() && !r.owner().equals(dev.relay.runner.recovery.Owner.self())
                        && LocalExecutions.end(r, 5000)) {
                    ended++;
                }
            }
        }
        return Optional.of(new Result(Outcome.CANCELED, Phase.Canceled, ended));
    }
}
