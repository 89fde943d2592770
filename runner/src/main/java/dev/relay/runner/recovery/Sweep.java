package dev.relay.runner.recovery;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finishes what a crash or a lost notification left undone, from the bucket alone (it is the
 * run's log). For each run whose current generation has no status:
 * <ol>
 *   <li>every claimed attempt ({@code launched.json}) with no {@code status.json} is judged: it is
 *       live while its {@link Owner} is alive (or it runs elsewhere: a Kubernetes Job, another
 *       machine); otherwise its process group, if still there, is killed and the attempt is
 *       written Failed with reason {@code Lost} (or the outcome its owner noted locally, e.g.
 *       {@code StoreUnavailable}); an attempt launched as a Kubernetes Job is {@code Lost} when
 *       its Job is gone ({@link RemoteExecutions}), judged only {@link #REMOTE_GRACE} after its
 *       claim (the claim is written before the Job is created);</li>
 *   <li>the run is driven again ({@link RunDriver#drive}): a status whose notification was lost
 *       gets its decision now, and a run whose tasks are all over ends. Launches stay single because the driver claims them.</li>
 * </ol>
 * Run at server start, every minute in the server, on a PingSource event in the cluster, and by
 * {@code relay run --resume}. Idempotent; safe beside a live driver.
 */
public final class Sweep {
    /** Grace between SIGTERM and SIGKILL when an orphan is ended (ms). */
    static final long KILL_GRACE_MS = 2000;
    /** How long after its claim a remote attempt's missing execution is taken for lost. */
    public static final java.time.Duration REMOTE_GRACE = java.time.Duration.ofSeconds(60);

    /**
     * What a sweep did.
     *
     * @param runs   unfinished runs looked at
     * @param lost   attempts written Failed (Lost or a noted outcome)
     * @param killed orphan process groups ended
     * @param errors one line per run that could not be driven
     */
    public record Report(int runs, int lost, int killed, List<String> errors) {
        Report plus(Report o) {
            List<String> e = new ArrayList<>(errors);
            e.addAll(o.errors);
            return new Report(runs + o.runs, lost + o.lost, killed + o.killed, e);
        }
    }

    /**
     * An attempt found lost: its task, attempt, and the failure to write; {@code interrupted} when
     * a graceful stop of its owner ended it ({@link LocalExecutions#INTERRUPTED}): it runs again.
     */
    record Lost(String task, int attempt, String reason, String message, String startedAt, LocalExecutions.Record record,
                boolean interrupted) {
        Lost(String task, int attempt, String reason, String message, String startedAt, LocalExecutions.Record record) {
            this(task, attempt, reason, message, startedAt, record, false);
        }
    }

    private final ArtifactStore store;
    private final Generations generations;
    private final LaunchIntents intents;
    private final LocalExecutions local;
    private final RunDriver driver;
    private final Clock clock;
    private final RemoteExecutions remote;

    /** @param local the records of local executions on this machine, or null (none here, e.g. the cluster) */
    public Sweep(ArtifactStore store, Generations generations, LaunchIntents intents, LocalExecutions local,
                 RunDriver driver, Clock clock) {
        this(store, generations, intents, local, driver, clock, null);
    }

    /**
     * @param remote where the executions of another launcher kind (Jobs) are asked after, or null
     *     (then their attempts are left to their own status handler)
     */
    public Sweep(ArtifactStore store, Generations generations, LaunchIntents intents, LocalExecutions local,
                 RunDriver driver, Clock clock, RemoteExecutions remote) {
        this.remote = remote;
        this.store = store;
        this.generations = generations;
        this.intents = intents;
        this.local = local;
        this.driver = driver;
        this.clock = clock;
    }

    /** Sweeps every unfinished run of the bucket. */
    public Report sweep() {
        Report total = new Report(0, 0, 0, List.of());
        for (String p : store.list(RunLayout.RUNS, false)) {
            if (!p.endsWith("/")) {
                continue;
            }
            String runId = p.substring(RunLayout.RUNS.length(), p.length() - 1);
            try {
                RunLayout.label(runId, "run id");
            } catch (IllegalArgumentException e) {
                continue;
            }
            total = total.plus(sweepRun(runId));
        }
        return total;
    }

    /** Sweeps one run (nothing when it is over or has no {@code run.json}). */
    public Report sweepRun(String runId) {
        try {
            if (store.stat(RunLayout.runJson(runId)).isEmpty() || generations.isOver(runId)) {
                return new Report(0, 0, 0, List.of());
            }
            RunObjects objects = RunObjects.list(store, runId);
            List<Lost> lost = findLost(objects);
            int killed;
            Generations.Generation g = generations.current(runId);
            if (lost.stream().anyMatch(Lost::interrupted) && !g.isCancel()) {
                killed = resumeLost(g, lost).killed(); // a graceful stop's attempts run again, as on relay run --resume
            } else {
                killed = markLost(runId, lost);
            }
            kick(runId);
            return new Report(1, lost.size(), killed, List.of());
        } catch (RuntimeException e) {
            return new Report(1, 0, 0, List.of("run " + runId + ": " + e.getMessage()));
        }
    }

    /** The claimed attempts of a run that have no status and no live execution. */
    List<Lost> findLost(RunObjects objects) {
        List<Lost> out = new ArrayList<>();
        String runId = objects.runId();
        for (Map.Entry<String, Integer> a : objects.unfinished()) {
            String task = a.getKey();
            int n = a.getValue();
            Optional<LaunchIntents.Intent> intent;
            try {
                intent = intents.read(runId, task, n);
            } catch (RuntimeException e) {
                intent = Optional.empty(); // a record cut short by a crash: its owner is unknown
            }
            if (intent.isPresent() && !LaunchIntents.LOCAL.equals(intent.get().launcher())) {
                remoteLost(intent.get()).ifPresent(out::add); // a Job: its status handler reports its end, unless it is gone
                continue;
            }
            Owner owner = intent.map(LaunchIntents.Intent::owner).orElse(null);
            Optional<LocalExecutions.Record> rec = local == null ? Optional.empty() : local.read(runId, task, n);
            String reason = rec.map(LocalExecutions.Record::reason).orElse(null);
            String message = rec.map(LocalExecutions.Record::message).orElse(null);
            boolean interrupted = LocalExecutions.INTERRUPTED.equals(reason);
            // a launcher of this JVM that was stopped (an embedded runtime closed and started again
            // in one JVM) counts as gone for the attempts its stop interrupted
            boolean stoppedHere = interrupted && Owner.self().equals(owner) && !rec.get().processAlive();
            if (owner != null && owner.alive() && !stoppedHere) {
                continue;
            }
            if (interrupted) {
                reason = AttemptStatus.LOST; // the record's message says the stop ended it
                message = (message == null ? "relay was stopped while it ran" : message) + "; it runs again";
            } else if (reason == null) {
                reason = AttemptStatus.LOST;
                message = owner == null ? "the attempt was claimed but its launch record is unreadable"
                        : "the process that ran it (pid " + owner.pid() + ") ended without writing its status";
            }
            out.add(new Lost(task, n, reason, message, intent.map(LaunchIntents.Intent::launchedAt).orElse(null), rec.orElse(null),
                    interrupted));
        }
        return out;
    }

    /** A remote attempt (a Job) whose execution is gone, once {@link #REMOTE_GRACE} has passed since its claim. */
    private Optional<Lost> remoteLost(LaunchIntents.Intent i) {
        if (remote == null || !remote.kind().equals(i.launcher())) {
            return Optional.empty();
        }
        try {
            if (i.launchedAt() != null && Times.parse(i.launchedAt()).plus(REMOTE_GRACE).isAfter(clock.instant())) {
                return Optional.empty();
            }
            if (remote.exists(i.runId(), i.task(), i.attempt())) {
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            return Optional.empty(); // cannot be told now (API server down): judged by a later sweep
        }
        return Optional.of(new Lost(i.task(), i.attempt(), AttemptStatus.LOST, "its " + i.launcher()
                + " execution is gone (deleted, or it vanished) and it wrote no status", i.launchedAt(), null));
    }

    /**
     * Runs the lost attempts of a run again: ends what still runs of them, starts generation {@code g}'s successor (cause
     * {@code resume}) with each lost task from its next attempt, then writes them {@code Lost}
     * ({@link #markLost}). What {@code relay run --resume} and a sweep after a graceful stop do.
     *
     * @return the generation started, the tasks that run again (task path → first attempt) and the groups ended
     * @throws IllegalStateException when another caller started that generation first
     */
    Resumed resumeLost(Generations.Generation g, List<Lost> lost) {
        Map<String, Integer> restart = new java.util.LinkedHashMap<>();
        for (Lost l : lost) {
            restart.put(l.task(), Math.max(restart.getOrDefault(l.task(), 0), l.attempt() + 1));
        }
        // the orphans are ended before the new generation can launch their next attempts; the new
        // generation comes before the Lost statuses: once one is written, a live driver must already see it as history
        int killed = endOrphans(lost);
        Generations.Generation next = generations.begin(g, Generations.RESUME, restart);
        markLost(g.runId(), new ArrayList<>(lost)); // their groups are gone: nothing more is ended
        return new Resumed(next, restart, killed);
    }

    /** What {@link #resumeLost} did. */
    record Resumed(Generations.Generation generation, Map<String, Integer> restart, int killed) {}

    /** Ends what is left of each lost attempt and writes its Failed status; @return groups ended */
    int markLost(String runId, List<Lost> lost) {
        int killed = endOrphans(lost);
        for (Lost l : lost) {
            String now = Times.format(clock.instant());
            AttemptStatus s = new AttemptStatus(runId, l.task(), l.attempt(), ExecutionPhase.Failed, null, l.reason(),
                    l.message(), l.startedAt() != null ? l.startedAt() : now, now, Map.of());
            store.putIfAbsent(RunLayout.attemptStatus(runId, l.task(), l.attempt()), Json.bytes(s));
        }
        return killed;
    }

    /**
     * Ends what still runs of each lost attempt (its process group; SIGKILL after
     * {@link #KILL_GRACE_MS}), so that its next attempt never runs beside it.
     *
     * @return groups ended
     */
    private static int endOrphans(List<Lost> lost) {
        int killed = 0;
        for (Lost l : lost) {
            if (l.record() != null && LocalExecutions.end(l.record(), KILL_GRACE_MS)) {
                killed++;
            }
        }
        return killed;
    }

    /** Drives the run again (after a retry or resume started a generation, or from a sweep). */
    public void kick(String runId) {
        driver.drive(runId);
    }
}
