package dev.relay.runner.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.contract.TaskStatusDoc;
import dev.relay.runner.contract.Times;
import dev.relay.runner.engine.ArtifactRef;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.engine.PipelineEngine;
import dev.relay.runner.engine.model.Component;
import dev.relay.runner.executor.ArtifactType;
import dev.relay.runner.executor.ComponentIo;
import dev.relay.runner.executor.ExecutorSpec;
import dev.relay.runner.executor.ExecutorTask;
import dev.relay.runner.executor.InputArtifact;
import dev.relay.runner.executor.PlatformSpec;
import dev.relay.runner.executor.TaskIdentity;
import dev.relay.runner.launch.ArgumentValue;
import dev.relay.runner.launch.AttemptDeadline;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.spec.Argument;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.OutputSpec;
import dev.relay.runner.spec.TaskSpec;
import dev.relay.runner.spec.Values;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.recovery.LaunchIntents;
import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body of the {@code artifact} function: reacts to one object event in the Relay bucket by
 * asking the {@link PipelineEngine} what the run's state in the bucket calls for, for every format
 * (KFP v1 graph through {@code V1Translator}, KFP v2 IR through {@code IrReader}):
 * <ul>
 *   <li>{@code runs/<run>/run.json} or {@code runs/<run>/tasks/<path>/attempts/<n>/status.json} →
 *       {@link #evaluate}: the engine's completions are written as {@code tasks/<path>/status.json}
 *       (DAG tasks, tasks failed before launch), its launches go through {@link #launchAttempt} (the
 *       one place an attempt starts: cache, then the launcher), and the run's end as
 *       {@code runs/<run>/status.json};</li>
 *   <li>anything else → nothing here (the index handles metrics and UI metadata).</li>
 * </ul>
 * Every effect is idempotent (launches by execution id, statuses written only if absent), and
 * decisions are made on the bucket's state, never the event's: a duplicate, late or reordered
 * notification changes nothing. Thread-safe.
 */
public final class RunController {
    private final ArtifactStore store;
    private final Launcher launcher;
    private final Clock clock;
    /** Entries kept per cache (statuses, seen records, launches decided); runs keep {@link #RUNS}. */
    static final int ENTRIES = 20_000;
    static final int RUNS = 256;
    private final Map<String, Loaded> runs;
    private final Map<String, Boolean> seen;
    private final Map<String, Boolean> launched;
    private final TaskStates states;
    private final TaskCache cache;
    private final Generations generations;
    /** How long a cancel's generation may stay without its status before the controller ends it. */
    static final java.time.Duration CANCEL_GRACE = java.time.Duration.ofSeconds(10);
    private final LaunchIntents intents;

    /**
     * A run as the controller holds it: {@code run.json}, the plan derived from it and its
     * parameters as the engine's values.
     */
    record Loaded(RunDoc doc, RunPlan plan, Map<String, Object> parameters, java.util.Set<String> conditionOutputs,
                  Map<String, dev.relay.runner.engine.NodeState> withContent, Progress progress) {}

    /**
     * What the engine derived of the run's current generation ({@link PipelineEngine.Memory}), so
     * that an attempt's status costs the task's degree, not the run's size. Evaluations of one run
     * take its lock; a memory whose decisions could not all be carried out is cleared (the next
     * event walks the run again), and a launch that threw is forgotten by the launch dedupe
     * ({@code launched}) and its claim released, so that walk launches it again.
     */
    static final class Progress {
        int generation = -1;
        PipelineEngine.Memory memory = new PipelineEngine.Memory();
    }

    public RunController(ArtifactStore store, Launcher launcher, Clock clock) {
        this(store, launcher, clock, RUNS, ENTRIES);
    }

    /** With caches of at most {@code runs} runs and {@code entries} entries each (tests use small ones). */
    RunController(ArtifactStore store, Launcher launcher, Clock clock, int runs, int entries) {
        this.store = store;
        this.launcher = launcher;
        this.clock = clock;
        this.runs = Collections.synchronizedMap(new TaskStates.Lru<>(runs));
        this.seen = Collections.synchronizedMap(new TaskStates.Lru<>(entries));
        this.launched = Collections.synchronizedMap(new TaskStates.Lru<>(entries));
        this.states = new TaskStates(store, entries);
        this.cache = new TaskCache(store, clock);
        this.generations = new Generations(store, clock);
        this.intents = new LaunchIntents(store, clock);
    }

    /** Sizes of the caches by name ({@code runs}, {@code seen}, {@code launched}, {@code statuses}, {@code finished}), for tests. */
    Map<String, Integer> cacheSizes() {
        Map<String, Integer> m = new LinkedHashMap<>(states.sizes());
        m.put("runs", runs.size());
        m.put("seen", seen.size());
        m.put("launched", launched.size());
        return m;
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
        String dedupe = r.dedupeKey();
        if (seen.put(dedupe, Boolean.TRUE) != null) {
            return Optional.empty();
        }
        RunLayout.Key key = parsed.get();
        try {
            switch (key.kind()) {
                case RUN_JSON -> evaluate(key.runId());
                case ATTEMPT_STATUS -> evaluate(key.runId(), key.task());
                default -> { }
            }
        } catch (RuntimeException e) {
            // Not handled: a redelivery (the Broker's retry) must not be mistaken for a duplicate.
            seen.remove(dedupe);
            throw e;
        }
        return parsed;
    }

    /** Launches the run's first tasks (or finishes an empty run). */
    public void start(String runId) {
        evaluate(runId);
    }

    /**
     * Acts on a new attempt status of {@code task} (a task path): what the engine decides for that
     * task and its neighbours ({@link PipelineEngine#advance}), or a walk of the run when this
     * controller has not evaluated it before.
     */
    public void advance(String runId, String task) {
        evaluate(runId, task);
    }

    /**
     * Asks the engine what the run's state calls for, walking every task not known to be over (a
     * run's start, a sweep), and does it. Nothing happens for a run whose current generation has
     * its {@code status.json} (finished or canceled) or was started by a cancel ({@link Generations}).
     */
    public void evaluate(String runId) {
        evaluate(runId, null);
    }

    /** {@link #evaluate(String)}, or {@link #advance} when {@code task} is given. */
    private void evaluate(String runId, String task) {
        Loaded run = load(runId);
        // the run's current generation (a retry or resume starts the next one): its status ends it
        Generations.Generation g = generations.current(runId);
        if (store.exists(Generations.statusKey(runId, g.generation()))) {
            return;
        }
        if (g.isCancel()) {
            // the cancel writes its generation's status right after starting it; one that died
            // in between (seen by a later sweep) leaves the run to be ended Canceled here
            if (g.createdAt() != null && Times.parse(g.createdAt()).plus(CANCEL_GRACE).isBefore(clock.instant())) {
                Map<String, Phase> tasks = new LinkedHashMap<>();
                PipelineEngine.tree(run.plan().model().model(), runId, run.parameters(), path -> lookup(run, path, g))
                        .forEach((t, p) -> tasks.put(t, p.terminal() ? p : Phase.Canceled));
                generations.finish(g, new RunStatus(runId, Phase.Canceled, run.doc().createdAt(),
                        Times.format(clock.instant()), tasks));
            }
            return;
        }
        if (endIfPastDeadline(run, g)) {
            return;
        }
        Progress progress = run.progress();
        synchronized (progress) {
            if (progress.generation != g.generation()) {
                progress.generation = g.generation();
                progress.memory = new PipelineEngine.Memory();
            }
            java.util.function.Function<String, dev.relay.runner.engine.NodeState> lookup = path -> lookup(run, path, g);
            PipelineEngine.Decisions d = task == null
                    ? PipelineEngine.evaluate(run.plan().model().model(), runId, run.parameters(), lookup, progress.memory)
                    : PipelineEngine.advance(run.plan().model().model(), runId, run.parameters(), lookup, progress.memory, task);
            try {
                apply(run, g, d);
            } catch (RuntimeException e) {
                // what the memory holds as over may not all be written: the next event walks the run
                progress.memory.clear();
                throw e;
            }
        }
    }

    /**
     * What the bucket says of {@code path}; for a KFP v1 task whose output a downstream
     * {@code isEnabled} compares, that output's content (trimmed of surrounding whitespace, as
     * {@code V1Translator} expects) is given as a parameter of the same name.
     */
    private dev.relay.runner.engine.NodeState lookup(Loaded run, String path, Generations.Generation g) {
        dev.relay.runner.engine.NodeState s = states.lookup(run.doc().runId(), path, g, run.plan().isArgo());
        if (run.conditionOutputs().isEmpty() || s.phase() != Phase.Succeeded || s.attempt() < 1) {
            return s;
        }
        String segment = path.substring(path.lastIndexOf('/') + 1);
        if (s.artifacts().keySet().stream().noneMatch(o -> run.conditionOutputs().contains(segment + "\n" + o))) {
            return s;
        }
        return run.withContent().computeIfAbsent(path, p -> {
            Map<String, Object> params = new LinkedHashMap<>(s.parameters());
            for (String o : s.artifacts().keySet()) {
                if (run.conditionOutputs().contains(segment + "\n" + o)) {
                    String uri = uriOf(run.doc().runId(), new ArtifactRef(path, o));
                    String prefix = "s3://" + store.bucket() + "/";
                    if (uri.startsWith(prefix)) {
                        store.get(uri.substring(prefix.length())).ifPresent(b ->
                                params.put(o, new String(b, java.nio.charset.StandardCharsets.UTF_8).strip()));
                    }
                }
            }
            return new dev.relay.runner.engine.NodeState(s.attempt(), s.phase(), params, s.artifacts(), s.message());
        });
    }

    /** KFP v1: {@code <producer segment>\n<output>} of every task output an {@code isEnabled} reads. */
    private static java.util.Set<String> conditionOutputs(RunPlan plan) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (plan.isIr()) {
            return out;
        }
        for (Component c : plan.model().model().components().values()) {
            if (c.isExecutor()) {
                continue;
            }
            var dag = c.dag();
            for (String key : dag.order()) {
                dag.task(key).inputs().forEach((name, src) -> {
                    if (name.startsWith(dev.relay.runner.pipeline.V1Translator.CONDITION_INPUT)
                            && src instanceof dev.relay.runner.engine.model.InputSource.TaskOutput t && dag.tasks().containsKey(t.task())) {
                        out.add(dag.segment(t.task()) + "\n" + t.key());
                    }
                });
            }
        }
        return out;
    }

    private void apply(Loaded run, Generations.Generation g, PipelineEngine.Decisions d) {
        String runId = run.doc().runId();
        for (PipelineEngine.Completion c : d.completions()) {
            Map<String, JsonNode> params = new LinkedHashMap<>();
            c.parameters().forEach((k, v) -> params.put(k, TaskStates.toJson(v)));
            TaskStatusDoc doc = new TaskStatusDoc(runId, c.path(), c.phase(), c.message(), params, c.artifacts(),
                    Times.format(clock.instant()));
            store.putIfAbsent(RunLayout.taskStatus(runId, c.path()), Json.bytes(doc));
            states.remember(runId, c.path(), g, c.state());
        }
        for (PipelineEngine.Launch rel : d.launches()) {
            // the engine counts the attempts of this generation; the bucket numbers them for the whole run
            PipelineEngine.Launch l = g.firstAttempt(rel.path()) == 1 ? rel
                    : new PipelineEngine.Launch(rel.path(), rel.task(), rel.name(), rel.component(),
                            g.firstAttempt(rel.path()) + rel.attempt() - 1, rel.backoff(), rel.cache(), rel.parameters(), rel.artifacts());
            String once = runId + "/" + l.path() + "/" + l.attempt();
            if (launched.putIfAbsent(once, Boolean.TRUE) == null) {
                boolean decided;
                try {
                    decided = launchAttempt(run, g, l);
                } catch (RuntimeException e) {
                    // not launched: the next evaluation (the event's redelivery, a sweep) decides it again
                    launched.remove(once);
                    throw e;
                }
                if (!decided) {
                    launched.remove(once); // the generation was over: a later one decides this attempt afresh
                }
            }
        }
        d.finish().ifPresent(phase -> {
            Map<String, Phase> tasks = PipelineEngine.tree(run.plan().model().model(), runId, run.parameters(),
                    path -> lookup(run, path, g));
            RunStatus status = new RunStatus(runId, phase, run.doc().createdAt(), Times.format(clock.instant()), tasks);
            generations.finish(g, status);
        });
    }

    /**
     * When the run must have ended ({@link RunPlan#deadline()} after its current generation
     * started; a retry or resume gets the time afresh), or null for no limit.
     */
    private java.time.Instant deadline(Loaded run, Generations.Generation g) {
        java.time.Duration limit = run.plan().deadline();
        if (limit == null) {
            return null;
        }
        String start = g.createdAt() != null ? g.createdAt() : run.doc().createdAt();
        return Times.parse(start).plus(limit);
    }

    /**
     * The run deadline's hook (called on every evaluation, so also by the recovery sweep, which
     * drives each unfinished run): a run past its deadline ends {@code Failed} with a message
     * saying so; its running tasks are {@code Failed} (their executions ended), the ones not started {@code Skipped}. The
     * launchers end each attempt at the deadline too ({@link AttemptDeadline#RUN_DEADLINE}).
     *
     * @return whether the run is past its deadline (then nothing more is launched)
     */
    boolean endIfPastDeadline(Loaded run, Generations.Generation g) {
        java.time.Instant due = deadline(run, g);
        if (due == null || clock.instant().isBefore(due)) {
            return false;
        }
        String runId = run.doc().runId();
        Map<String, Phase> tasks = new LinkedHashMap<>();
        PipelineEngine.tree(run.plan().model().model(), runId, run.parameters(), path -> lookup(run, path, g))
                .forEach((k, v) -> tasks.put(k, v.terminal() ? v : v == Phase.Running ? Phase.Failed : Phase.Skipped));
        String message = "the run passed its deadline: activeDeadlineSeconds " + run.plan().deadline().toSeconds()
                + " of the Workflow, due at " + Times.format(due);
        RunStatus status = new RunStatus(runId, Phase.Failed, run.doc().createdAt(), Times.format(clock.instant()), tasks,
                message);
        if (generations.finish(g, status)) {
            launcher.cancel(runId);
        }
        return true;
    }

    /** The request's annotations with the run's deadline added ({@link AttemptDeadline#RUN_DEADLINE}) when it has one. */
    private Map<String, String> withRunDeadline(Loaded run, Map<String, String> annotations) {
        if (run.plan().deadline() == null) {
            return annotations; // no deadline: no need to list the run's generations
        }
        java.time.Instant due = deadline(run, generations.current(run.doc().runId()));
        if (due == null) {
            return annotations;
        }
        Map<String, String> out = new LinkedHashMap<>(annotations == null ? Map.of() : annotations);
        out.put(AttemptDeadline.RUN_DEADLINE, Times.format(due));
        return out;
    }

    /**
     * Starts one attempt the engine decided: the one place an attempt starts. A KFP v2 task with
     * caching on (and the run's switch not off) whose cache key has a succeeded attempt is a cache
     * hit: its outputs are copied and its status written here, and nothing is launched. Otherwise
     * the execution is built ({@link #request(Loaded, PipelineEngine.Launch)}) and handed to the
     * launcher. An attempt that cannot even be built (bad IR at run time) gets a Failed
     * {@code LaunchFailed} status, so the run goes on.
     *
     * <p>A cancel may start its generation while this launch of generation {@code g} is under way
     * (decided before the cancel's marker, started after the cancel ended the run's executions). So
     * once the attempt is claimed, a generation that is no longer open ({@link Generations#isOpen})
     * launches nothing (the claim is given back); and after the launcher started the execution, the
     * generation is asked again: when a cancel started the next one (or {@code g} ended, e.g. at the
     * run's deadline) meanwhile, the run's executions are ended ({@link Launcher#cancel}) as the
     * cancel ended those it saw. One of the two sides always sees the other: the cancel writes its
     * marker before it ends executions, the launch starts its execution before it looks again.
     *
     * @return false when {@code g} was over before anything started (nothing launched, the claim
     *     given back), else true (launched, a cache hit, a failed status written, or another holder's claim)
     * @throws RuntimeException what the launcher, the cache or the store threw: then the attempt's
     *     claim is released ({@link LaunchIntents#release}), so a later evaluation launches it
     *     (the launcher is idempotent should it have started it after all)
     */
    boolean launchAttempt(Loaded run, Generations.Generation g, PipelineEngine.Launch l) {
        // the intent record, before anything starts: a replayed event or a restarted server never launches it twice
        if (!intents.claim(run.doc().runId(), l.path(), l.attempt(), launcher.kind())) {
            return true;
        }
        boolean started;
        try {
            if (!generations.isOpen(g)) {
                intents.release(run.doc().runId(), l.path(), l.attempt());
                return false;
            }
            started = launchClaimed(run, l);
        } catch (RuntimeException e) {
            try {
                intents.release(run.doc().runId(), l.path(), l.attempt());
            } catch (RuntimeException released) {
                e.addSuppressed(released); // the claim stays: the sweep judges the attempt as one that was launched
            }
            throw e;
        }
        if (started && !generations.isOpen(g)) {
            // g ended, or a later generation started, while this launch was under way
            Generations.Generation now = generations.current(run.doc().runId());
            if (now.generation() == g.generation() || now.isCancel()) {
                launcher.cancel(run.doc().runId());
            }
        }
        return true;
    }

    /**
     * {@link #launchAttempt} once this process holds the attempt's claim.
     *
     * @return whether the launcher was asked to start it (not a refusal, a bad request or a cache hit)
     */
    private boolean launchClaimed(Loaded run, PipelineEngine.Launch l) {
        List<String> hostProblems = LaunchIntents.KUBERNETES.equals(launcher.kind()) ? List.of() : run.plan().hostProblems(l.component());
        if (!hostProblems.isEmpty()) {
            // a package accepted for a cluster, run by the local launcher: refused before anything starts
            writeFailed(run, l, AttemptStatus.LAUNCH_FAILED, "this host cannot run it: " + hostProblems.get(0));
            return false;
        }
        ExecutionRequest request;
        try {
            request = request(run, l);
        } catch (RuntimeException e) {
            writeFailed(run, l, AttemptStatus.LAUNCH_FAILED, e.getMessage());
            return false;
        }
        if (request.isV2() && l.cache() && run.doc().cacheEnabled()) {
            String key = cache.key(run.plan().model(), l.component(), request.v2(), this::inputDigest);
            if (cache.reuse(key, request)) {
                return false;
            }
            cache.record(key, request);
        }
        launcher.launch(request);
        return true;
    }

    private void writeFailed(Loaded run, PipelineEngine.Launch l, String reason, String message) {
        String now = Times.format(clock.instant());
        AttemptStatus s = new AttemptStatus(run.doc().runId(), l.path(), l.attempt(), ExecutionPhase.Failed, null,
                reason, message, now, now, Map.of());
        store.putIfAbsent(RunLayout.attemptLog(run.doc().runId(), l.path(), l.attempt()),
                ("relay: " + message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        store.putIfAbsent(RunLayout.attemptStatus(run.doc().runId(), l.path(), l.attempt()), Json.bytes(s));
    }

    /**
     * Builds the execution of one launch decision: for a KFP v1 task its component with arguments
     * (values as text, artifacts as the producers' URIs); for KFP v2 an {@link ExecutorTask}
     * (component interface and executor as written in the IR, typed parameter values, input
     * artifacts with the type and metadata their producers recorded).
     *
     * @throws IllegalArgumentException when the IR's component or executor does not read
     */
    ExecutionRequest request(Loaded run, PipelineEngine.Launch l) {
        String runId = run.doc().runId();
        Pipeline p = run.plan().model();
        if (!run.plan().isIr()) {
            TaskSpec task = p.v1Task(l.component());
            Map<String, ArgumentValue> args = new LinkedHashMap<>();
            l.parameters().forEach((name, v) -> {
                if (name.startsWith(dev.relay.runner.pipeline.V1Translator.CONDITION_INPUT)) {
                    return;
                }
                if (v instanceof RunPlan.ObjectRef ref) {
                    args.put(name, ArgumentValue.Value.reference(ref.uri()));
                } else {
                    args.put(name, new ArgumentValue.Value(v instanceof String s ? s : dev.relay.runner.engine.cel.JsonText.write(v)));
                }
            });
            l.artifacts().forEach((name, refs) -> {
                if (!refs.isEmpty() && !name.startsWith(dev.relay.runner.pipeline.V1Translator.CONDITION_INPUT)) {
                    args.put(name, new ArgumentValue.Artifact(uriOf(runId, refs.get(0))));
                }
            });
            return new ExecutionRequest(runId, l.path(), l.attempt(), task.component(), args,
                    withRunDeadline(run, task.annotations()), null, l.backoff());
        }
        Component c = p.model().component(l.component());
        ComponentIo io = ComponentIo.parse("components." + l.component(), p.componentSpec(l.component()));
        ExecutorSpec executor = ExecutorSpec.parse(c.executorLabel(), p.executor(l.component()));
        Map<String, JsonNode> params = new LinkedHashMap<>();
        Map<String, List<InputArtifact>> arts = new LinkedHashMap<>();
        l.parameters().forEach((k, v) -> {
            if (v instanceof RunPlan.ObjectRef ref && io.inputArtifacts().containsKey(k)) {
                // a run's artifact reference given to an input artifact: the object as a plain artifact
                arts.put(k, List.of(new InputArtifact(k, ref.uri(), ArtifactType.ARTIFACT, Json.MAPPER.createObjectNode())));
            } else {
                params.put(k, TaskStates.toJson(v));
            }
        });
        l.artifacts().forEach((name, refs) -> arts.put(name, refs.stream().map(r -> inputArtifact(runId, r)).toList()));
        // a pipeline's input artifact reaches its tasks as the URI the run was given (run.json's
        // parameters: an uploaded -p NAME=@PATH or an s3:// URI), through any nesting DAGs
        io.inputArtifacts().forEach((name, def) -> {
            JsonNode v = params.get(name);
            if (!arts.containsKey(name) && v != null && v.isTextual() && !v.asText().isEmpty()) {
                params.remove(name);
                arts.put(name, List.of(new InputArtifact(name, v.asText(), def.type(), Json.MAPPER.createObjectNode())));
            }
        });
        PlatformSpec platform = PlatformSpec.NONE;
        if (p.platforms() != null) {
            JsonNode config = p.platforms().path("kubernetes").path("deploymentSpec").path("executors").path(c.executorLabel());
            platform = PlatformSpec.parse(c.executorLabel(), config.isMissingNode() ? null : config, ch -> {
                String in = ch.path("componentInputParameter").asText(null);
                return in == null ? null : params.get(in);
            });
        }
        TaskIdentity id = new TaskIdentity(runId, p.model().name(), l.path(), l.name(), l.attempt());
        ExecutorTask task = new ExecutorTask(id, null, io, executor, platform, params, arts);
        return new ExecutionRequest(runId, l.path(), l.attempt(), null, Map.of(), Map.of(), task, l.backoff());
    }

    /** The producing attempt's published output (its URI, type and metadata as recorded). */
    private InputArtifact inputArtifact(String runId, ArtifactRef r) {
        Optional<AttemptStatus> s = states.newest(runId, r.producer());
        AttemptStatus.OutputRef o = s.map(AttemptStatus::outputs).map(m -> m.get(r.output())).orElse(null);
        String uri = o != null && o.uri() != null ? o.uri() : store.uri(RunLayout.output(runId, r.producer(), r.output()));
        ArtifactType type = o != null && o.schemaTitle() != null ? new ArtifactType(o.schemaTitle(), "0.0.1") : ArtifactType.ARTIFACT;
        ObjectNode md = o != null && o.metadata() instanceof ObjectNode m ? m.deepCopy() : Json.MAPPER.createObjectNode();
        return new InputArtifact(r.output(), uri, type, md);
    }

    private String uriOf(String runId, ArtifactRef r) {
        Optional<AttemptStatus> s = states.newest(runId, r.producer());
        AttemptStatus.OutputRef o = s.map(AttemptStatus::outputs).map(m -> m.get(r.output())).orElse(null);
        return o != null && o.uri() != null ? o.uri() : store.uri(RunLayout.output(runId, r.producer(), r.output()));
    }

    /** The content digest of an input artifact for the cache key: its sha256, else its URI (a directory). */
    private String inputDigest(InputArtifact a) {
        String prefix = "s3://" + store.bucket() + "/";
        if (a.uri().startsWith(prefix)) {
            Optional<RunLayout.Key> k = RunLayout.parse(a.uri().substring(prefix.length()));
            if (k.isPresent() && k.get().kind() == RunLayout.Kind.OUTPUT) {
                Optional<AttemptStatus> s = states.newest(k.get().runId(), k.get().task());
                for (AttemptStatus.OutputRef o : s.map(AttemptStatus::outputs).orElse(Map.of()).values()) {
                    if (a.uri().equals(o.uri()) && o.sha256() != null) {
                        return "sha256:" + o.sha256();
                    }
                }
            }
        }
        return a.uri();
    }

    /**
     * Builds the execution of attempt {@code attempt} of the top-level KFP v1 task {@code name} of a
     * submitted run, as the controller launches it (for launchers' tests and tools that relaunch by hand).
     *
     * @throws IllegalStateException when the run's run.json is missing or invalid
     * @throws IllegalArgumentException when the run has no such task (or is not a KFP v1 graph)
     */
    public ExecutionRequest request(String runId, String name, int attempt) {
        Loaded run = load(runId);
        if (run.plan().isIr()) {
            throw new IllegalArgumentException("run " + runId + " is a KFP v2 pipeline: its attempts are built from the engine's decisions");
        }
        TaskSpec task = run.plan().task(name);
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
                return run.doc().isReference(g.inputName()) ? ArgumentValue.Value.reference(given) : new ArgumentValue.Value(given);
            }
            Optional<InputSpec> in = run.plan().pipeline().input(g.inputName());
            return in.filter(InputSpec::hasDefault).map(i -> new ArgumentValue.Value(Values.toKfpString(i.defaultValue()))).orElse(null);
        }
        Argument.TaskOutput t = (Argument.TaskOutput) a;
        String upName = run.plan().nameOf(t.taskId());
        ComponentSpec up = run.plan().task(upName).component();
        OutputSpec o = up.output(t.outputName()).orElseThrow(
                () -> new IllegalStateException("task '" + t.taskId() + "' has no output '" + t.outputName() + "'"));
        return new ArgumentValue.Artifact(store.uri(RunLayout.outputKey(run.doc().runId(), upName, o)));
    }

    /** @return the status of one attempt (immutable once written, so cached) */
    public AttemptStatus status(String runId, String task, int attempt) {
        return states.attempt(runId, task, attempt).orElseThrow(
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
        RunPlan plan = RunPlan.of(doc);
        Map<String, Object> params;
        try {
            params = plan.parameterValues(doc);
        } catch (RuntimeException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
        l = new Loaded(doc, plan, params, conditionOutputs(plan), new java.util.concurrent.ConcurrentHashMap<>(), new Progress());
        runs.put(runId, l);
        return l;
    }

    /**
     * @return whether this controller holds the run's {@code run.json} (read before and kept; it
     *     never changes), so handling an event of the run reads no {@code run.json}
     */
    public boolean holds(String runId) {
        return runs.containsKey(runId);
    }

    /** @return the launcher this controller starts executions with */
    public Launcher launcher() {
        return launcher;
    }
}
