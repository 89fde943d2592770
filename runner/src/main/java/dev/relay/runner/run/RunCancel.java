package dev.relay.runner.run;

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
 * Ends a run at a user's request (KFP's terminate, {@code relay runs cancel}): starts the run's
 * next generation with cause {@code cancel} ({@link Generations#begin}; the controller launches
 * nothing in it) and writes that generation's {@code status.json} with phase {@code Canceled}
 * (its unfinished tasks {@code Canceled}), then asks the launcher to end the run's running
 * executions (local process groups, also those of another process on this machine, or Jobs).
 * Each generation's status is written with {@code putIfAbsent}, so it has exactly one outcome.
 * When the generation the cancel ends turns out to have ended meanwhile (the run finished as the
 * cancel came), the cancel's generation records that same outcome instead of {@code Canceled},
 * so the run's phase is not turned from what its end said. State dirs written before cancels
 * had their own generation hold {@code Canceled} in the canceled generation's own status; they
 * read the same. {@link dev.relay.runner.recovery.RunRetry} runs a canceled run's tasks again.
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
        Generations generations = new Generations(store, clock);
        Generations.Generation cancel = null;
        for (int tries = 0; cancel == null; tries++) {
            Generations.Generation g = generations.current(runId);
            Optional<RunStatus> ended = generations.status(g);
            if (ended.isPresent()) {
                return Optional.of(new Result(Outcome.ALREADY_FINISHED, ended.get().phase(), 0));
            }
            if (g.isCancel()) {
                cancel = g; // another cancel began it and has not written its status yet: same outcome
                break;
            }
            try {
                cancel = generations.begin(g, Generations.CANCEL, Map.of());
            } catch (IllegalStateException raced) {
                // a resume or another cancel started that generation first: look again
                if (tries >= 5) {
                    throw raced;
                }
            }
            if (cancel != null) {
                Optional<RunStatus> meanwhile = generations.status(g);
                if (meanwhile.isPresent()) {
                    // the run ended as the cancel came: its outcome stands, also as the cancel's generation's
                    RunStatus same = meanwhile.get();
                    generations.finish(cancel, same);
                    Phase phase = generations.status(cancel).map(RunStatus::phase).orElse(same.phase());
                    return Optional.of(new Result(Outcome.ALREADY_FINISHED, phase, 0));
                }
            }
        }
        Map<String, Phase> tasks = new LinkedHashMap<>();
        for (RunView.TaskView t : v.tasks()) {
            tasks.put(t.name(), t.phase().terminal() ? t.phase() : Phase.Canceled);
        }
        RunStatus status = new RunStatus(runId, Phase.Canceled, v.createdAt(), Times.format(clock.instant()), tasks);
        generations.finish(cancel, status);
        Phase phase = generations.status(cancel).map(RunStatus::phase).orElse(Phase.Canceled);
        if (phase != Phase.Canceled) {
            return Optional.of(new Result(Outcome.ALREADY_FINISHED, phase, 0));
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
