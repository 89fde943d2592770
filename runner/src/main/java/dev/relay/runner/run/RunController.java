package dev.relay.runner.run;

import dev.relay.runner.contract.Times;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.contract.RunDoc;
import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.engine.Decisions;
import dev.relay.runner.engine.Engine;
import dev.relay.runner.engine.TaskStatus;
import dev.relay.runner.launch.ArgumentValue;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.recovery.LaunchIntents;
import dev.relay.runner.spec.Argument;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.OutputSpec;
import dev.relay.runner.spec.TaskSpec;
import dev.relay.runner.spec.Values;
import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The body of the {@code artifact} function: reacts to one object event in the Relay bucket.
 * <ul>
 *   <li>{@code runs/<run>/run.json} → launch the root tasks;</li>
 *   <li>{@code runs/<run>/tasks/<task>/attempts/<n>/status.json} → ask the engine what follows
 *       (downstream tasks, a retry, or the end of the run) and do it;</li>
 *   <li>anything else → nothing here (the index handles metrics and UI metadata).</li>
 * </ul>
 * Every effect is idempotent (launches by execution id, the run status written only if absent),
 * and decisions are made on the bucket's state, never the event's: a duplicate, late or reordered
 * notification changes nothing. Thread-safe.
 */
public final class RunController {
    private final ArtifactStore store;
    private final Launcher launcher;
    private final Clock clock;
    private final Generations generations;
    private final LaunchIntents intents;
    private final Map<String, Loaded> runs = Collections.synchronizedMap(new Lru<>(256));
    private final Map<String, AttemptStatus> statuses = Collections.synchronizedMap(new Lru<>(20_000));
    private final Map<String, Boolean> seen = Collections.synchronizedMap(new Lru<>(20_000));
    private final Map<String, Boolean> absent = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.ExecutorService IO = java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "relay-prefetch");
        t.setDaemon(true);
        return t;
    });

    private record Loaded(RunDoc doc, RunPlan plan) {}

    public RunController(ArtifactStore store, Launcher launcher, Clock clock) {
        this.store = store;
        this.launcher = launcher;
        this.clock = clock;
        this.generations = new Generations(store, clock);
        this.intents = new LaunchIntents(store, clock);
    }

    /**
     * Handles one object notification. Records for another bucket, events that are not new data
     * and keys outside {@code runs/} are ignored; a record seen before (same bucket, key, version
     * or eTag, sequencer) is ignored too. A record whose handling threw is forgotten, so that
     * its redelivery is handled again.
     *
     * @return what the key was, when the controller acted on it
     * @throws IllegalStateException when the run's documents are unreadable (the caller logs it;
     *     other runs are unaffected)
     */
    public Optional<RunLayout.Key> onObject(S3Record r) {
        if (!store.bucket().equals(r.bucket()) || !r.isNewData()) {
            return Optional.empty();
        }
        Optional<RunLayout.Key> parsed = RunLayout.parse(r.key());
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        String dedupe = r.bucket() + "\n" + r.key() + "\n" + (r.versionId() != null ? r.versionId() : r.eTag()) + "\n" + r.sequencer();
        if (seen.put(dedupe, Boolean.TRUE) != null) {
            return Optional.empty();
        }
        RunLayout.Key key = parsed.get();
        try {
            switch (key.kind()) {
                case RUN_JSON -> start(key.runId());
                case ATTEMPT_STATUS -> advance(key.runId(), key.task());
                default -> { }
            }
        } catch (RuntimeException e) {
            // Not handled: a redelivery (the Broker's retry) must not be mistaken for a duplicate.
            seen.remove(dedupe);
            throw e;
        }
        return parsed;
    }

    /** Launches the run's root tasks (or finishes an empty run). */
    public void start(String runId) {
        Loaded run = load(runId);
        Generations.Generation g = generations.current(runId);
        apply(run, g, Engine.start(run.plan().dag(), lookup(run, g)));
    }

    /** Acts on the newest status of {@code task}. */
    public void advance(String runId, String task) {
        Loaded run = load(runId);
        if (!run.plan().dag().contains(task)) {
            return;
        }
        Generations.Generation g = generations.current(runId);
        Function<String, TaskStatus> lookup = lookup(run, g);
        prefetch(run, run.plan().dag().downstream(task));
        apply(run, g, Engine.advance(run.plan().dag(), task, lookup));
    }

    private void apply(Loaded run, Generations.Generation g, Decisions d) {
        String runId = run.doc().runId();
        if (!d.launches().isEmpty() && store.stat(Generations.statusKey(runId, g.generation())).isPresent()) {
            return; // the generation is over (canceled): launch nothing more
        }
        for (Decisions.Launch l : d.launches()) {
            // the engine counts the attempts of this generation; the bucket numbers them for the whole run
            int attempt = g.firstAttempt(l.task()) + l.attempt() - 1;
            if (intents.claim(runId, l.task(), attempt, launcher.kind())) {
                launcher.launch(request(run, l.task(), attempt));
            }
        }
        d.finish().ifPresent(f -> {
            RunStatus status = new RunStatus(runId, f.phase(), run.doc().createdAt(),
                    Times.format(clock.instant()), f.tasks());
            generations.finish(g, status);
        });
    }

    /**
     * Builds the execution of attempt {@code attempt} of task {@code name} of a submitted run, as
     * the controller launches it (for launchers' tests and tools that relaunch by hand).
     *
     * @throws IllegalStateException when the run's run.json is missing or invalid
     * @throws IllegalArgumentException when the run has no such task
     */
    public ExecutionRequest request(String runId, String name, int attempt) {
        return request(load(runId), name, attempt);
    }

    /** Builds the execution of attempt {@code attempt} of task {@code name}. */
    ExecutionRequest request(Loaded run, String name, int attempt) {
        TaskSpec task = run.plan().task(name);
        String runId = run.doc().runId();
        Map<String, ArgumentValue> args = new LinkedHashMap<>();
        for (Map.Entry<String, Argument> e : task.arguments().entrySet()) {
            ArgumentValue v = argument(run, e.getValue());
            if (v != null) {
                args.put(e.getKey(), v);
            }
        }
        return new ExecutionRequest(runId, name, attempt, task.component(), args, task.annotations());
    }

    private ArgumentValue argument(Loaded run, Argument a) {
        if (a instanceof Argument.Constant c) {
            return new ArgumentValue.Value(Values.toKfpString(c.value()));
        }
        if (a instanceof Argument.GraphInput g) {
            String given = run.doc().parameters().get(g.inputName());
            if (given != null) {
                return new ArgumentValue.Value(given);
            }
            Optional<InputSpec> in = run.plan().pipeline().input(g.inputName());
            return in.filter(InputSpec::hasDefault).map(i -> new ArgumentValue.Value(Values.toKfpString(i.defaultValue()))).orElse(null);
        }
        Argument.TaskOutput t = (Argument.TaskOutput) a;
        String upName = run.plan().nameOf(t.taskId());
        ComponentSpec up = run.plan().task(upName).component();
        OutputSpec o = up.output(t.outputName()).orElseThrow(
                () -> new IllegalStateException("task '" + t.taskId() + "' has no output '" + t.outputName() + "'"));
        ExecutionRequest probe = new ExecutionRequest(run.doc().runId(), upName, 1, up, Map.of(), Map.of());
        return new ArgumentValue.Artifact(store.uri(LocalLauncher.outputKey(probe, o)));
    }

    /**
     * What the bucket says of each task, asked task by task: the newest attempt is found by reading
     * {@code attempts/1/status.json}, then 2, ... while they exist (attempt n+1 only starts after n
     * failed), so a question costs one GET per attempt not yet cached. Statuses never change once
     * written, so every one read is cached; the engine asks only about the finished task's
     * neighbours and, for the end-of-run check, the first task not yet over.
     */
    private Function<String, TaskStatus> lookup(Loaded run, Generations.Generation g) {
        String runId = run.doc().runId();
        return task -> {
            TaskStatus newest = TaskStatus.NONE;
            int maxAttempts = run.plan().dag().maxRetries(task) + 1;
            int first = g.firstAttempt(task); // attempts before it belong to an earlier generation
            for (int n = 1; n <= maxAttempts; n++) {
                Optional<AttemptStatus> s = find(runId, task, first + n - 1);
                if (s.isEmpty()) {
                    break;
                }
                newest = TaskStatus.of(n, s.get().phase());
                if (!newest.failed()) {
                    break;
                }
            }
            return newest;
        };
    }

    private Optional<AttemptStatus> find(String runId, String task, int attempt) {
        String key = RunLayout.attemptStatus(runId, task, attempt);
        AttemptStatus s = statuses.get(key);
        if (s != null) {
            return Optional.of(s);
        }
        Optional<AttemptStatus> read = absent.remove(key) != null ? Optional.empty()
                : store.get(key).map(b -> Json.read(b, AttemptStatus.class, key));
        read.ifPresent(v -> statuses.put(key, v));
        return read;
    }

    /**
     * Reads the first attempt's status of many tasks at once (a fan-out's downstream tasks), so
     * the engine's questions about them cost one round trip in all rather than one each. An
     * absence is remembered for the next question only: it may change at any time.
     */
    private void prefetch(Loaded run, java.util.Collection<String> tasks) {
        if (tasks.size() < 4) {
            return;
        }
        String runId = run.doc().runId();
        List<java.util.concurrent.Callable<Void>> reads = new java.util.ArrayList<>();
        for (String t : tasks) {
            String key = RunLayout.attemptStatus(runId, t, 1);
            if (!statuses.containsKey(key)) {
                reads.add(() -> {
                    Optional<byte[]> b = store.get(key);
                    if (b.isPresent()) {
                        statuses.put(key, Json.read(b.get(), AttemptStatus.class, key));
                    } else {
                        absent.put(key, Boolean.TRUE);
                    }
                    return null;
                });
            }
        }
        try {
            IO.invokeAll(reads);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the status of one attempt (immutable once written, so cached) */
    public AttemptStatus status(String runId, String task, int attempt) {
        return find(runId, task, attempt).orElseThrow(
                () -> new IllegalStateException("missing " + RunLayout.attemptStatus(runId, task, attempt)));
    }

    private Loaded load(String runId) {
        Loaded l = runs.get(runId);
        if (l != null) {
            return l;
        }
        String key = RunLayout.runJson(runId);
        byte[] data = store.get(key).orElseThrow(() -> new IllegalStateException("missing " + key));
        RunDoc doc = Json.read(data, RunDoc.class, key);
        l = new Loaded(doc, RunPlan.of(doc));
        runs.put(runId, l);
        return l;
    }

    /** @return the launcher this controller starts executions with */
    public Launcher launcher() {
        return launcher;
    }

    /** A small LRU map. */
    private static final class Lru<K, V> extends LinkedHashMap<K, V> {
        private final int max;

        Lru(int max) {
            super(16, 0.75f, true);
            this.max = max;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > max;
        }
    }

}
