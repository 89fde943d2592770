package dev.relay.runner.engine;

import dev.relay.runner.engine.cel.JsonText;
import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.DagOutput;
import dev.relay.runner.engine.model.DagSpec;
import dev.relay.runner.engine.model.InputSource;
import dev.relay.runner.engine.model.LoopSpec;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.engine.model.TaskNode;
import dev.relay.runner.engine.cel.Cel;
import dev.relay.runner.engine.cel.CelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The pure engine over the {@link PipelineModel}: given the run's parameters and what the bucket
 * says of each task path ({@link NodeState}), decide which executor attempts to launch, which DAG
 * tasks are over (their task status to write) and whether the run is over. No I/O.
 *
 * <p>Like Tekton's {@code dag.GetCandidateTasks} the decisions are a function of the bucket's
 * state only, so duplicate, late or reordered events give the same decisions, and a launch that
 * was lost is decided again at the next event (launching is idempotent downstream: deterministic
 * execution names). Each event walks the unfinished part of the run: a DAG task with a terminal
 * task status is not entered again, so the work per event is the degree of the unfinished tasks
 * plus one lookup per task path read (lookups are memoized within an evaluation).
 *
 * <p>Task paths: a task's path is its enclosing DAG's path plus its key as a DNS-1123 label, a
 * loop iteration adds its index: {@code for-loop-2/0/print-op}.
 *
 * <p>Semantics follow KFP's backend driver: a task runs when its upstream tasks succeeded (or, with
 * {@code ALL_UPSTREAM_TASKS_COMPLETED}, ended however) and its condition holds; a task below a
 * failed or skipped task is Skipped, as is one whose condition is false; a DAG fails when a task in
 * it failed; a loop's outputs collect each iteration's value in item order; with
 * {@code parallelismLimit} N, iteration i starts once iterations 0..i-N are over.
 */
public final class PipelineEngine {
    private PipelineEngine() {}

    /**
     * The deepest task path a run may have, in segments (DAG tasks, loop iterations, the task):
     * a recursion (a DAG containing itself under a condition, KFP v1's {@code graph_component})
     * adds a segment per call, and one whose condition never turns false fails here.
     */
    public static final int MAX_DEPTH = 100;

    /**
     * Launch attempt {@code attempt} of the executor task at {@code path}.
     *
     * @param path       the task path
     * @param task       the task's key in its DAG
     * @param name       {@code taskInfo.name}
     * @param component  the component's key in the model
     * @param attempt    1-based
     * @param backoff    how long the launcher waits before the attempt's command (retry backoff)
     * @param cache      {@code cachingOptions.enableCache}
     * @param parameters input parameter name → JSON value (absent: the component's default applies)
     * @param artifacts  input artifact name → artifacts
     */
    public record Launch(String path, String task, String name, String component, int attempt, Duration backoff,
                         boolean cache, Map<String, Object> parameters, Map<String, List<ArtifactRef>> artifacts) {}

    /**
     * A task that is over without an attempt of its own (a DAG, loop, loop iteration or a task
     * that failed before launch): the controller writes it as {@code tasks/<path>/status.json}.
     */
    public record Completion(String path, Phase phase, Map<String, Object> parameters,
                             Map<String, List<ArtifactRef>> artifacts, String message) {
        /** @return this completion as the state the engine reads back */
        public NodeState state() {
            return new NodeState(0, phase, parameters, artifacts, message);
        }
    }

    /**
     * What one evaluation decided.
     *
     * @param launches    attempts to launch, in task order
     * @param completions DAG task statuses to write, innermost first
     * @param finish      present when the run is over: its phase
     * @param phases      every task path visited → its phase (Pending, Running, Succeeded, Failed, Skipped)
     */
    public record Decisions(List<Launch> launches, List<Completion> completions, Optional<Phase> finish,
                            Map<String, Phase> phases) {
        /** @return whether there is nothing to launch or write */
        public boolean isEmpty() {
            return launches.isEmpty() && completions.isEmpty() && finish.isEmpty();
        }
    }

    /**
     * Decides what to do now. Call it when a run starts and after every task status event.
     *
     * @param model      the pipeline
     * @param runId      the run (for {@code PipelineTaskFinalStatus.pipelineJobResourceName})
     * @param parameters the run's parameter values as JSON values (absent: the pipeline's default)
     * @param lookup     task path → what the bucket says of it; must not throw
     */
    public static Decisions evaluate(PipelineModel model, String runId, Map<String, Object> parameters,
                                     Function<String, NodeState> lookup) {
        return new Eval(model, runId, lookup, false).run(parameters);
    }

    /**
     * Every task path with its phase, descending into finished DAG tasks too (for
     * {@code relay runs get} and the API's tree). Never launches anything.
     */
    public static Map<String, Phase> tree(PipelineModel model, String runId, Map<String, Object> parameters,
                                          Function<String, NodeState> lookup) {
        return new Eval(model, runId, lookup, true).run(parameters).phases();
    }

    /** Artifacts as an input value, told apart from a JSON list parameter. */
    private record ArtifactList(List<ArtifactRef> refs) {}

    /** The state of one task inside an evaluated DAG instance. */
    private record Node(Phase phase, Map<String, Object> parameters, Map<String, List<ArtifactRef>> artifacts,
                        String message, String name) {
        static Node of(Phase p, String name) {
            return new Node(p, Map.of(), Map.of(), null, name);
        }
    }

    private static final class Eval {
        private final PipelineModel model;
        private final String runId;
        private final Function<String, NodeState> lookup;
        private final boolean tree;
        private final Map<String, NodeState> memo = new HashMap<>();
        private final List<Launch> launches = new ArrayList<>();
        private final List<Completion> completions = new ArrayList<>();
        private final Map<String, Phase> phases = new LinkedHashMap<>();

        Eval(PipelineModel model, String runId, Function<String, NodeState> lookup, boolean tree) {
            this.model = model;
            this.runId = runId;
            this.lookup = lookup;
            this.tree = tree;
        }

        private NodeState state(String path) {
            return memo.computeIfAbsent(path, p -> {
                NodeState s = lookup.apply(p);
                return s == null ? NodeState.NONE : s;
            });
        }

        Decisions run(Map<String, Object> parameters) {
            Map<String, Object> scope = new LinkedHashMap<>(model.root().defaults());
            scope.putAll(parameters);
            Map<String, Node> children = new LinkedHashMap<>();
            Phase p = dag("", model.root().dag(), scope, children);
            Optional<Phase> finish = p.terminal() ? Optional.of(p == Phase.Skipped ? Phase.Succeeded : p) : Optional.empty();
            if (tree) {
                return new Decisions(List.of(), List.of(), finish, phases);
            }
            return new Decisions(List.copyOf(launches), List.copyOf(completions), finish, phases);
        }

        /** Evaluates one DAG instance; fills {@code children}; returns its aggregate phase. */
        private Phase dag(String prefix, DagSpec dag, Map<String, Object> scope, Map<String, Node> children) {
            boolean running = false;
            boolean pending = false;
            boolean failed = false;
            for (String key : dag.order()) {
                Node n = task(prefix, dag, key, scope, children);
                children.put(key, n);
                switch (n.phase()) {
                    case Running -> running = true;
                    case Pending -> pending = true;
                    case Failed -> failed = true;
                    default -> { }
                }
            }
            if (running || pending) {
                return running ? Phase.Running : Phase.Pending;
            }
            return failed ? Phase.Failed : Phase.Succeeded;
        }

        private Node task(String prefix, DagSpec dag, String key, Map<String, Object> scope, Map<String, Node> sibs) {
            TaskNode t = dag.task(key);
            String path = prefix + dag.segment(key);
            Node n = decide(path, t, scope, sibs);
            phases.put(path, n.phase());
            return n;
        }

        private Node decide(String path, TaskNode t, Map<String, Object> scope, Map<String, Node> sibs) {
            boolean allOver = true;
            boolean allGood = true;
            for (String up : t.dependencies()) {
                Phase p = sibs.get(up).phase();
                allOver &= p.terminal();
                allGood &= p == Phase.Succeeded;
            }
            if (!t.runAfterAll()) {
                for (String up : t.dependencies()) {
                    Phase p = sibs.get(up).phase();
                    if (p == Phase.Failed || p == Phase.Skipped) {
                        return Node.of(Phase.Skipped, t.name());
                    }
                }
                if (!allGood) {
                    return Node.of(Phase.Pending, t.name());
                }
            } else if (!allOver) {
                return Node.of(Phase.Pending, t.name());
            }
            Component c = model.component(t.component());
            NodeState marker = state(path);
            if (marker.known() && marker.attempt() == 0 && !(tree && !c.isExecutor() && marker.phase() != Phase.Skipped)) {
                // a task status without attempt: a finished DAG task, or a task that failed before launch
                return new Node(marker.phase(), marker.parameters(), marker.artifacts(), marker.message(), t.name());
            }
            Map<String, Object> inputs = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, InputSource> e : t.inputs().entrySet()) {
                    Object v = resolve(e.getValue(), scope, sibs);
                    if (v != null) {
                        inputs.put(e.getKey(), v);
                    }
                }
                if (t.condition() != null && !Cel.condition(t.condition(), parametersOf(inputs))) {
                    return Node.of(Phase.Skipped, t.name());
                }
            } catch (CelException | RuntimeException e) {
                return failBeforeLaunch(path, t, e.getMessage());
            }
            if (t.loop() != null) {
                return loop(path, t, c, inputs);
            }
            if (!c.isExecutor()) {
                int depth = path.split("/").length;
                if (depth >= MAX_DEPTH) {
                    return failBeforeLaunch(path, t, "DAGs nested " + depth + " deep reach the nesting limit of "
                            + MAX_DEPTH + " (PipelineEngine.MAX_DEPTH): a recursion whose condition never turned false");
                }
                Map<String, Object> inner = withDefaults(c, inputs);
                return subDag(path, c, inner, t.name());
            }
            return executor(path, t, c, inputs);
        }

        private Node failBeforeLaunch(String path, TaskNode t, String message) {
            String m = "task '" + t.name() + "' (" + path + "): " + message;
            if (!tree) {
                completions.add(new Completion(path, Phase.Failed, Map.of(), Map.of(), m));
            }
            return new Node(Phase.Failed, Map.of(), Map.of(), m, t.name());
        }

        private static Map<String, Object> withDefaults(Component c, Map<String, Object> inputs) {
            Map<String, Object> inner = new LinkedHashMap<>(c.defaults());
            inner.putAll(inputs);
            return inner;
        }

        private Node executor(String path, TaskNode t, Component c, Map<String, Object> inputs) {
            NodeState s = state(path);
            if (s.phase() == Phase.Succeeded) {
                return new Node(Phase.Succeeded, s.parameters(), s.artifacts(), null, t.name());
            }
            int next;
            if (s.phase() == Phase.Failed) {
                if (s.attempt() > t.retry().maxRetries()) {
                    return new Node(Phase.Failed, Map.of(), Map.of(), s.message(), t.name());
                }
                next = s.attempt() + 1;
            } else {
                next = 1;
            }
            if (!tree) {
                launches.add(new Launch(path, t.key(), t.name(), t.component(), next, t.retry().delayBefore(next),
                        t.cache(), parametersOf(inputs), artifactsOf(inputs)));
            }
            return Node.of(Phase.Running, t.name());
        }

        private Node subDag(String path, Component c, Map<String, Object> scope, String name) {
            Map<String, Node> children = new LinkedHashMap<>();
            Phase p = dag(path + "/", c.dag(), scope, children);
            if (!p.terminal()) {
                return Node.of(p, name);
            }
            Map<String, Object> params = new LinkedHashMap<>();
            Map<String, List<ArtifactRef>> arts = new LinkedHashMap<>();
            c.dag().parameterOutputs().forEach((out, sel) -> {
                Object v = select(sel, children, false);
                if (v != null && !(v instanceof ArtifactList)) {
                    params.put(out, v);
                }
            });
            c.dag().artifactOutputs().forEach((out, sel) -> {
                Object v = select(sel, children, true);
                if (v instanceof ArtifactList l) {
                    arts.put(out, l.refs());
                }
            });
            String message = p == Phase.Failed ? firstFailure(children) : null;
            Node n = new Node(p, params, arts, message, name);
            complete(path, n);
            return n;
        }

        private void complete(String path, Node n) {
            if (!tree && !(state(path).known() && state(path).attempt() == 0)) {
                completions.add(new Completion(path, n.phase(), n.parameters(), n.artifacts(), n.message()));
            }
        }

        private static String firstFailure(Map<String, Node> children) {
            for (Map.Entry<String, Node> e : children.entrySet()) {
                if (e.getValue().phase() == Phase.Failed) {
                    String m = e.getValue().message();
                    return m != null ? m : "task '" + e.getValue().name() + "' failed";
                }
            }
            return null;
        }

        /** The first selector whose producer succeeded with that output (KFP's valueFromOneof). */
        private static Object select(DagOutput out, Map<String, Node> children, boolean artifact) {
            for (DagOutput.Selector s : out.selectors()) {
                Node n = children.get(s.task());
                if (n == null || n.phase() != Phase.Succeeded) {
                    continue;
                }
                if (artifact) {
                    List<ArtifactRef> refs = n.artifacts().get(s.key());
                    if (refs != null) {
                        return new ArtifactList(refs);
                    }
                } else if (n.parameters().get(s.key()) != null) {
                    return n.parameters().get(s.key());
                }
            }
            return null;
        }

        private Node loop(String path, TaskNode t, Component c, Map<String, Object> inputs) {
            LoopSpec l = t.loop();
            List<Object> items = new ArrayList<>();
            if (l.raw() != null) {
                l.raw().forEach(items::add);
            } else {
                Object v = inputs.get(l.input());
                if (v == null) {
                    return failBeforeLaunch(path, t, "the loop's items '" + l.input() + "' have no value");
                }
                if (l.artifacts()) {
                    if (!(v instanceof ArtifactList refs)) {
                        return failBeforeLaunch(path, t, "the loop's items '" + l.input() + "' are not artifacts");
                    }
                    items.addAll(refs.refs());
                } else {
                    Object list = v;
                    if (list instanceof String text) {
                        try {
                            list = JsonText.parse(text);
                        } catch (IllegalArgumentException e) {
                            list = null;
                        }
                    }
                    if (!(list instanceof List<?> values)) {
                        return failBeforeLaunch(path, t, "the loop's items '" + l.input() + "' are not a list: "
                                + (v instanceof ArtifactList ? "artifacts" : JsonText.write(v)));
                    }
                    items.addAll(values);
                }
            }
            Map<String, Object> base = withDefaults(c, inputs);
            List<Node> iterations = new ArrayList<>();
            int firstOpen = -1;
            boolean running = false;
            boolean failed = false;
            for (int i = 0; i < items.size(); i++) {
                String ip = path + "/" + i;
                if (l.parallelism() > 0 && firstOpen >= 0 && i >= firstOpen + l.parallelism()) {
                    phases.put(ip, Phase.Pending);
                    iterations.add(Node.of(Phase.Pending, t.name()));
                    continue;
                }
                Node it = iteration(ip, c, base, l, items.get(i), t.name());
                phases.put(ip, it.phase());
                iterations.add(it);
                if (!it.phase().terminal()) {
                    running = true;
                    if (firstOpen < 0) {
                        firstOpen = i;
                    }
                } else if (it.phase() == Phase.Failed) {
                    failed = true;
                }
            }
            if (running || iterations.stream().anyMatch(n -> !n.phase().terminal())) {
                return Node.of(Phase.Running, t.name());
            }
            Map<String, Object> params = new LinkedHashMap<>();
            Map<String, List<ArtifactRef>> arts = new LinkedHashMap<>();
            for (String out : c.dag().parameterOutputs().keySet()) {
                List<Object> a = new ArrayList<>();
                iterations.forEach(n -> {
                    Object v = n.parameters().get(out);
                    if (v != null) {
                        a.add(v);
                    }
                });
                params.put(out, a);
            }
            for (String out : c.dag().artifactOutputs().keySet()) {
                List<ArtifactRef> all = new ArrayList<>();
                iterations.forEach(n -> all.addAll(n.artifacts().getOrDefault(out, List.of())));
                arts.put(out, all);
            }
            String message = null;
            if (failed) {
                for (Node n : iterations) {
                    if (n.phase() == Phase.Failed) {
                        message = n.message();
                        break;
                    }
                }
            }
            Node n = new Node(failed ? Phase.Failed : Phase.Succeeded, params, arts, message, t.name());
            complete(path, n);
            return n;
        }

        private Node iteration(String ip, Component c, Map<String, Object> base, LoopSpec l, Object item, String name) {
            NodeState marker = state(ip);
            if (marker.known() && marker.attempt() == 0 && !tree) {
                return new Node(marker.phase(), marker.parameters(), marker.artifacts(), marker.message(), name);
            }
            Map<String, Object> scope = new LinkedHashMap<>(base);
            scope.put(l.itemInput(), l.artifacts() ? new ArtifactList(List.of((ArtifactRef) item)) : item);
            return subDag(ip, c, scope, name);
        }

        private Object resolve(InputSource s, Map<String, Object> scope, Map<String, Node> sibs) throws CelException {
            if (s instanceof InputSource.DagInput d) {
                return scope.get(d.name());
            }
            if (s instanceof InputSource.Constant k) {
                return k.value();
            }
            if (s instanceof InputSource.TaskOutput o) {
                Node n = sibs.get(o.task());
                if (n == null || n.phase() != Phase.Succeeded) {
                    return null;
                }
                Object v = n.parameters().get(o.key());
                if (v != null) {
                    return v;
                }
                List<ArtifactRef> refs = n.artifacts().get(o.key());
                return refs == null ? null : new ArtifactList(refs);
            }
            if (s instanceof InputSource.FinalStatus f) {
                Node n = sibs.get(f.task());
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("state", switch (n.phase()) {
                    case Succeeded -> "COMPLETE";
                    case Failed -> "FAILED";
                    case Skipped -> "CANCELED";
                    default -> "RUNNING";
                });
                st.put("pipelineJobResourceName", model.name() + "-" + runId);
                st.put("pipelineTaskName", n.name());
                Map<String, Object> err = new LinkedHashMap<>();
                if (n.phase() == Phase.Failed) {
                    err.put("code", 2L);
                    err.put("message", n.message() == null ? "task '" + n.name() + "' failed" : n.message());
                }
                st.put("error", err);
                return st;
            }
            if (s instanceof InputSource.Format f) {
                Map<String, String> texts = new LinkedHashMap<>();
                for (Map.Entry<String, InputSource> e : f.values().entrySet()) {
                    Object v = resolve(e.getValue(), scope, sibs);
                    if (v == null) {
                        return null;
                    }
                    if (v instanceof ArtifactList) {
                        throw new CelException("{{" + e.getKey() + "}} is an artifact, which has no text to put in '"
                                + JsonText.write(f.template()) + "'");
                    }
                    texts.put("{{" + e.getKey() + "}}", v instanceof String str ? str : JsonText.write(v));
                }
                return format(f.template(), texts);
            }
            InputSource.Selected sel = (InputSource.Selected) s;
            Object v = resolve(sel.source(), scope, sibs);
            if (v == null || v instanceof ArtifactList) {
                return v;
            }
            return Cel.select(sel.expression(), v);
        }

        /** {@link InputSource.Format}'s substitution in every string of a JSON value. */
        private static Object format(Object template, Map<String, String> texts) {
            if (template instanceof String str) {
                for (Map.Entry<String, String> e : texts.entrySet()) {
                    str = str.replace(e.getKey(), e.getValue());
                }
                return str;
            }
            if (template instanceof List<?> l) {
                List<Object> out = new ArrayList<>();
                l.forEach(x -> out.add(format(x, texts)));
                return out;
            }
            if (template instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(k, format(x, texts)));
                return out;
            }
            return template;
        }

        private static Map<String, Object> parametersOf(Map<String, Object> inputs) {
            Map<String, Object> m = new LinkedHashMap<>();
            inputs.forEach((k, v) -> {
                if (!(v instanceof ArtifactList)) {
                    m.put(k, v);
                }
            });
            return m;
        }

        private static Map<String, List<ArtifactRef>> artifactsOf(Map<String, Object> inputs) {
            Map<String, List<ArtifactRef>> m = new LinkedHashMap<>();
            inputs.forEach((k, v) -> {
                if (v instanceof ArtifactList l) {
                    m.put(k, l.refs());
                }
            });
            return m;
        }
    }
}
