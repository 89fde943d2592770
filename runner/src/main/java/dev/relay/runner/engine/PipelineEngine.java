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
     * Decides what to do now, walking every task of the run not known to be over: the reference
     * evaluation, for a run's start and for a sweep (a launch that was lost is decided again here).
     *
     * @param model      the pipeline
     * @param runId      the run (for {@code PipelineTaskFinalStatus.pipelineJobResourceName})
     * @param parameters the run's parameter values as JSON values (absent: the pipeline's default)
     * @param lookup     task path → what the bucket says of it; must not throw
     */
    public static Decisions evaluate(PipelineModel model, String runId, Map<String, Object> parameters,
                                     Function<String, NodeState> lookup) {
        return evaluate(model, runId, parameters, lookup, new Memory());
    }

    /**
     * {@link #evaluate(PipelineModel, String, Map, Function)} that keeps what it derived in
     * {@code memory}, for {@link #advance} to go on from. Tasks the memory knows are over are not
     * looked up again.
     *
     * @param memory what earlier evaluations of this run (same model, parameters and generation) derived
     */
    public static Decisions evaluate(PipelineModel model, String runId, Map<String, Object> parameters,
                                     Function<String, NodeState> lookup, Memory memory) {
        return new Eval(model, runId, lookup, false, memory, true).full(parameters);
    }

    /**
     * Decides what a new status of the task at {@code path} calls for, looking only at that task,
     * its downstream tasks and their upstream tasks, and at the DAGs (and loops) it closes: work
     * proportional to the task's degree, not to the run's size. The decisions are those
     * {@link #evaluate} would make on the same bucket for the tasks they concern (it does not
     * repeat launches of other running tasks). Without a {@code memory} filled by an earlier
     * evaluation of the run, or for a path it cannot place, it walks the whole run instead.
     *
     * <p>Only what is over is remembered (a status never changes once written, and a task skipped
     * or a DAG over stays so): an upstream task the memory does not know is over is looked up
     * afresh, so several controllers sharing a bucket, each with its own memory, decide alike.
     *
     * @param path the task path whose attempt status was just written
     */
    public static Decisions advance(PipelineModel model, String runId, Map<String, Object> parameters,
                                    Function<String, NodeState> lookup, Memory memory, String path) {
        return new Eval(model, runId, lookup, false, memory, false).advance(parameters, path);
    }

    /**
     * Every task path with its phase, descending into finished DAG tasks too (for
     * {@code relay runs get} and the API's tree). Never launches anything.
     */
    public static Map<String, Phase> tree(PipelineModel model, String runId, Map<String, Object> parameters,
                                          Function<String, NodeState> lookup) {
        return new Eval(model, runId, lookup, true, new Memory(), true).full(parameters).phases();
    }

    /**
     * What the engine derived of one run (one generation of it) between events: the tasks, DAG
     * instances and loops known to be over, and how far each DAG's and each task's upstream
     * check got. Facts only (nothing here turns false later), so a memory is never wrong, only
     * incomplete. Not thread-safe: one evaluation at a time.
     */
    public static final class Memory {
        private final Map<String, Inst> instances = new HashMap<>();
        private final Map<String, LoopState> loops = new HashMap<>();
        private final Map<DagSpec, Map<String, String[]>> deps = new java.util.IdentityHashMap<>();
        private boolean walked;
        /** Whole walks of the run made with this memory (for tests). */
        int walks;

        /** Forgets everything: the next {@link #advance} walks the whole run. */
        public void clear() {
            instances.clear();
            loops.clear();
            walked = false;
        }

        /** @return how many DAG instances (the root, sub-DAGs, loop iterations) it holds */
        public int instances() {
            return instances.size();
        }

        private String[] deps(DagSpec dag, TaskNode t) {
            return deps.computeIfAbsent(dag, d -> new HashMap<>())
                    .computeIfAbsent(t.key(), k -> t.dependencies().toArray(new String[0]));
        }
    }

    /** One DAG instance: the root, a sub-DAG task's DAG or one loop iteration. */
    private static final class Inst {
        final String path;
        final DagSpec dag;
        final Map<String, Object> scope;
        final String name;
        final Inst parent;
        final String key;
        final LoopState loop;
        final int iteration;
        /** Task key → its node, for the tasks that are over. */
        final Map<String, Node> done = new HashMap<>();
        /** Task key → how many of its upstream tasks (in order) are known to let it run. */
        final Map<String, Integer> gates = new HashMap<>();
        /** Tasks in {@code dag.order()} before this index are over. */
        int cursor;
        /** The instance's node once every task in it is over. */
        Node result;

        Inst(String path, DagSpec dag, Map<String, Object> scope, String name, Inst parent, String key,
             LoopState loop, int iteration) {
            this.path = path;
            this.dag = dag;
            this.scope = scope;
            this.name = name;
            this.parent = parent;
            this.key = key;
            this.loop = loop;
            this.iteration = iteration;
        }

        String child(String k) {
            return path.isEmpty() ? dag.segment(k) : path + "/" + dag.segment(k);
        }
    }

    /** One loop task's items and iterations. */
    private static final class LoopState {
        final String path;
        final TaskNode task;
        final Component component;
        final Inst parent;
        final List<Object> items;
        final Map<String, Object> base;
        final Node[] done;
        /** Iterations before this index are over. */
        int cursor;
        /** Iterations before this index were started. */
        int started;
        Node result;

        LoopState(String path, TaskNode task, Component component, Inst parent, List<Object> items, Map<String, Object> base) {
            this.path = path;
            this.task = task;
            this.component = component;
            this.parent = parent;
            this.items = items;
            this.base = base;
            this.done = new Node[items.size()];
        }
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

    /** A task to evaluate again because {@code trigger}, one of its upstream tasks, is over. */
    private record Item(Inst inst, String key, String trigger) {}

    /** Upstream lookups nested this deep make {@link #advance} walk the run instead (stack depth). */
    private static final int MAX_PULL = 48;

    private static final class TooDeep extends RuntimeException {
        TooDeep() {
            super(null, null, false, false);
        }
    }

    private static final class Eval {
        private final PipelineModel model;
        private final String runId;
        private final Function<String, NodeState> lookup;
        private final boolean tree;
        private final Memory memory;
        private boolean full;
        private final Map<String, NodeState> memo = new HashMap<>();
        /** Tasks evaluated in this evaluation that are not over (path → node). */
        private final Map<String, Node> open = new HashMap<>();
        private final Map<String, Launch> launches = new LinkedHashMap<>();
        private final List<Completion> completions = new ArrayList<>();
        private final Map<String, Phase> phases = new LinkedHashMap<>();
        private final java.util.ArrayDeque<Item> work = new java.util.ArrayDeque<>();
        private final java.util.LinkedHashSet<Inst> touched = new java.util.LinkedHashSet<>();
        private int pulls;

        Eval(PipelineModel model, String runId, Function<String, NodeState> lookup, boolean tree, Memory memory,
             boolean full) {
            this.model = model;
            this.runId = runId;
            this.lookup = lookup;
            this.tree = tree;
            this.memory = memory;
            this.full = full;
        }

        private NodeState state(String path) {
            return memo.computeIfAbsent(path, p -> {
                NodeState s = lookup.apply(p);
                return s == null ? NodeState.NONE : s;
            });
        }

        private Inst root(Map<String, Object> parameters) {
            Inst root = memory.instances.get("");
            if (root == null) {
                Map<String, Object> scope = new LinkedHashMap<>(model.root().defaults());
                scope.putAll(parameters);
                root = new Inst("", model.root().dag(), scope, model.name(), null, null, null, -1);
                memory.instances.put("", root);
            }
            return root;
        }

        Decisions full(Map<String, Object> parameters) {
            full = true;
            memory.walked = true;
            memory.walks++;
            return decisions(walk(root(parameters)));
        }

        Decisions advance(Map<String, Object> parameters, String path) {
            Inst root = memory.instances.get("");
            if (!memory.walked || root == null) {
                return full(parameters);
            }
            if (root.result != null) {
                return decisions(root.result);
            }
            Item first = place(root, path);
            if (first == null) {
                return full(parameters);
            }
            try {
                work.add(first);
                drain();
            } catch (TooDeep e) {
                // what was derived so far stays (facts); the rest is decided by walking the run
                return full(parameters);
            }
            return decisions(root.result != null ? root.result : Node.of(Phase.Running, model.name()));
        }

        /** The DAG instance and task key of an executor task path, or null when the memory has not entered it. */
        private Item place(Inst root, String path) {
            String[] segs = path.split("/");
            Inst inst = root;
            int i = 0;
            while (true) {
                String key = inst.dag.keyOfSegment(segs[i]);
                if (key == null) {
                    return null;
                }
                if (i == segs.length - 1) {
                    return new Item(inst, key, null);
                }
                String child = inst.child(key);
                if (inst.dag.task(key).loop() != null) {
                    i++;
                    child = child + "/" + segs[i];
                }
                inst = memory.instances.get(child);
                i++;
                if (inst == null || i >= segs.length) {
                    return null;
                }
            }
        }

        private void drain() {
            while (!work.isEmpty() || !touched.isEmpty()) {
                while (!work.isEmpty()) {
                    Item it = work.poll();
                    if (it.inst().result == null && !it.inst().done.containsKey(it.key())) {
                        settle(it.inst(), it.key(), it.inst().child(it.key()), it.trigger());
                    }
                }
                if (!touched.isEmpty()) {
                    Inst inst = touched.iterator().next();
                    touched.remove(inst);
                    settleInstance(inst);
                }
            }
        }

        private Decisions decisions(Node root) {
            Optional<Phase> finish = root.phase().terminal()
                    ? Optional.of(root.phase() == Phase.Skipped ? Phase.Succeeded : root.phase()) : Optional.empty();
            if (tree) {
                return new Decisions(List.of(), List.of(), finish, phases);
            }
            return new Decisions(List.copyOf(launches.values()), List.copyOf(completions), finish, phases);
        }

        /** Evaluates every task of one DAG instance not known to be over; returns the instance's node. */
        private Node walk(Inst inst) {
            if (inst.result != null) {
                return inst.result;
            }
            boolean running = false;
            boolean pending = false;
            for (String key : inst.dag.order()) {
                switch (node(inst, key).phase()) {
                    case Running -> running = true;
                    case Pending -> pending = true;
                    default -> { }
                }
            }
            if (running || pending) {
                return Node.of(running ? Phase.Running : Phase.Pending, inst.name);
            }
            return complete(inst);
        }

        /** Moves the instance's cursor over the tasks that are over; when all are, closes it. */
        private void settleInstance(Inst inst) {
            if (inst.result != null) {
                return;
            }
            List<String> order = inst.dag.order();
            while (inst.cursor < order.size()) {
                if (!node(inst, order.get(inst.cursor)).phase().terminal()) {
                    return;
                }
                inst.cursor++;
            }
            Node r = complete(inst);
            if (inst.loop != null) {
                iterationOver(inst.loop, inst.iteration, r);
            } else if (inst.parent != null && !inst.parent.done.containsKey(inst.key)) {
                phases.put(inst.path, r.phase());
                done(inst.parent, inst.key, inst.path, r);
            }
        }

        /** The task's node: remembered, evaluated earlier in this evaluation, or evaluated now. */
        private Node node(Inst inst, String key) {
            Node n = inst.done.get(key);
            if (n != null) {
                return n;
            }
            String path = inst.child(key);
            n = open.get(path);
            return n != null ? n : settle(inst, key, path, null);
        }

        /** Evaluates one task afresh and remembers the result (for good when it is over). */
        private Node settle(Inst inst, String key, String path, String trigger) {
            if (!full && ++pulls > MAX_PULL) {
                throw new TooDeep();
            }
            try {
                Node n = decide(inst, key, path, trigger);
                phases.put(path, n.phase());
                if (n.phase().terminal()) {
                    done(inst, key, path, n);
                } else {
                    open.put(path, n);
                }
                return n;
            } finally {
                if (!full) {
                    pulls--;
                }
            }
        }

        private void done(Inst inst, String key, String path, Node n) {
            inst.done.put(key, n);
            open.remove(path);
            if (!full) {
                for (String d : inst.dag.downstream(key)) {
                    work.add(new Item(inst, d, key));
                }
                touched.add(inst);
            }
        }

        /**
         * Whether the task may start: null when it may, else Pending (an upstream task is not over,
         * or not succeeded) or Skipped (an upstream task failed or was skipped). Walking the run,
         * every upstream task is looked at; advancing, from the first not yet known to let it run,
         * stopping at the first that does not (the one that just ended, {@code trigger}, first).
         */
        private Phase gate(Inst inst, TaskNode t, String trigger) {
            String[] deps = memory.deps(inst.dag, t);
            if (deps.length == 0) {
                return null;
            }
            boolean afterAll = t.runAfterAll();
            if (full) {
                boolean allOver = true;
                boolean allGood = true;
                boolean bad = false;
                for (String up : deps) {
                    Phase p = node(inst, up).phase();
                    allOver &= p.terminal();
                    allGood &= p == Phase.Succeeded;
                    bad |= p == Phase.Failed || p == Phase.Skipped;
                }
                if (!afterAll) {
                    return bad ? Phase.Skipped : allGood ? null : Phase.Pending;
                }
                return allOver ? null : Phase.Pending;
            }
            if (trigger != null && !afterAll) {
                Phase p = node(inst, trigger).phase();
                if (p == Phase.Failed || p == Phase.Skipped) {
                    return Phase.Skipped;
                }
            }
            int i = inst.gates.getOrDefault(t.key(), 0);
            for (; i < deps.length; i++) {
                Phase p = node(inst, deps[i]).phase();
                if (!afterAll && (p == Phase.Failed || p == Phase.Skipped)) {
                    return Phase.Skipped;
                }
                if (afterAll ? !p.terminal() : p != Phase.Succeeded) {
                    inst.gates.put(t.key(), i);
                    return Phase.Pending;
                }
            }
            inst.gates.put(t.key(), i);
            return null;
        }

        private Node decide(Inst inst, String key, String path, String trigger) {
            TaskNode t = inst.dag.task(key);
            Phase gate = gate(inst, t, trigger);
            if (gate != null) {
                return Node.of(gate, t.name());
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
                    Object v = resolve(e.getValue(), inst);
                    if (v != null) {
                        inputs.put(e.getKey(), v);
                    }
                }
                if (t.condition() != null && !Cel.condition(t.condition(), parametersOf(inputs))) {
                    return Node.of(Phase.Skipped, t.name());
                }
            } catch (CelException | RuntimeException e) {
                if (e instanceof TooDeep deep) {
                    throw deep;
                }
                return failBeforeLaunch(path, t, e.getMessage());
            }
            if (t.loop() != null) {
                return loop(inst, path, t, c, inputs);
            }
            if (!c.isExecutor()) {
                int depth = path.split("/").length;
                if (depth >= MAX_DEPTH) {
                    return failBeforeLaunch(path, t, "DAGs nested " + depth + " deep reach the nesting limit of "
                            + MAX_DEPTH + " (PipelineEngine.MAX_DEPTH): a recursion whose condition never turned false");
                }
                return subDag(inst, key, path, c, withDefaults(c, inputs), t.name());
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
                launches.putIfAbsent(path + "#" + next, new Launch(path, t.key(), t.name(), t.component(), next,
                        t.retry().delayBefore(next), t.cache(), parametersOf(inputs), artifactsOf(inputs)));
            }
            return Node.of(Phase.Running, t.name());
        }

        private Node subDag(Inst parent, String key, String path, Component c, Map<String, Object> scope, String name) {
            Inst child = memory.instances.get(path);
            if (child == null) {
                child = new Inst(path, c.dag(), scope, name, parent, key, null, -1);
                memory.instances.put(path, child);
                return walk(child);
            }
            if (child.result != null) {
                return child.result;
            }
            return full ? walk(child) : Node.of(Phase.Running, name);
        }

        /** Closes an instance whose tasks are all over: its outputs, phase and (below the root) task status. */
        private Node complete(Inst inst) {
            if (inst.result != null) {
                return inst.result;
            }
            Map<String, Node> children = new LinkedHashMap<>();
            boolean failed = false;
            for (String k : inst.dag.order()) {
                Node n = inst.done.get(k);
                children.put(k, n);
                failed |= n.phase() == Phase.Failed;
            }
            Phase p = failed ? Phase.Failed : Phase.Succeeded;
            if (inst.parent == null && inst.loop == null) {
                inst.result = Node.of(p, inst.name);
                return inst.result;
            }
            Map<String, Object> params = new LinkedHashMap<>();
            Map<String, List<ArtifactRef>> arts = new LinkedHashMap<>();
            inst.dag.parameterOutputs().forEach((out, sel) -> {
                Object v = select(sel, children, false);
                if (v != null && !(v instanceof ArtifactList)) {
                    params.put(out, v);
                }
            });
            inst.dag.artifactOutputs().forEach((out, sel) -> {
                Object v = select(sel, children, true);
                if (v instanceof ArtifactList l) {
                    arts.put(out, l.refs());
                }
            });
            String message = p == Phase.Failed ? firstFailure(children) : null;
            Node n = new Node(p, params, arts, message, inst.name);
            writeCompletion(inst.path, n);
            inst.result = n;
            return n;
        }

        private void writeCompletion(String path, Node n) {
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

        private Node loop(Inst parent, String path, TaskNode t, Component c, Map<String, Object> inputs) {
            LoopState ls = memory.loops.get(path);
            if (ls != null) {
                return ls.result != null ? ls.result : stepLoop(ls, full);
            }
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
            ls = new LoopState(path, t, c, parent, items, withDefaults(c, inputs));
            memory.loops.put(path, ls);
            return stepLoop(ls, true);
        }

        /**
         * Starts the iterations the loop's parallelism allows now (with {@code walkOpen}, walks the
         * started ones that are not over too); returns the loop's node, closing it when every
         * iteration is over. With {@code parallelismLimit} N, iteration i starts once iterations
         * 0..i-N are over.
         */
        private Node stepLoop(LoopState ls, boolean walkOpen) {
            int n = ls.items.size();
            int par = ls.task.loop().parallelism();
            boolean again = true;
            while (again) {
                again = false;
                while (ls.cursor < n && ls.done[ls.cursor] != null) {
                    ls.cursor++;
                }
                int limit = par > 0 ? Math.min(n, ls.cursor + par) : n;
                for (int i = walkOpen ? ls.cursor : Math.max(ls.cursor, ls.started); i < limit; i++) {
                    if (ls.done[i] != null) {
                        continue;
                    }
                    Node it = iteration(ls, i);
                    ls.started = Math.max(ls.started, i + 1);
                    if (it.phase().terminal()) {
                        ls.done[i] = it;
                        again = true;
                    }
                }
                walkOpen = false;
            }
            if (full) {
                for (int i = 0; i < n; i++) {
                    phases.put(ls.path + "/" + i, ls.done[i] != null ? ls.done[i].phase()
                            : i < ls.started ? Phase.Running : Phase.Pending);
                }
            }
            if (ls.cursor < n) {
                return Node.of(Phase.Running, ls.task.name());
            }
            return closeLoop(ls);
        }

        /** An iteration's DAG closed (advancing): the loop may start the next ones or close. */
        private void iterationOver(LoopState ls, int i, Node r) {
            if (ls.result != null) {
                return;
            }
            ls.done[i] = r;
            phases.put(ls.path + "/" + i, r.phase());
            Node n = stepLoop(ls, false);
            Inst parent = ls.parent;
            if (n.phase().terminal() && !parent.done.containsKey(ls.task.key())) {
                phases.put(ls.path, n.phase());
                done(parent, ls.task.key(), ls.path, n);
            }
        }

        private Node closeLoop(LoopState ls) {
            List<Node> iterations = java.util.Arrays.asList(ls.done);
            boolean failed = iterations.stream().anyMatch(x -> x.phase() == Phase.Failed);
            Component c = ls.component;
            Map<String, Object> params = new LinkedHashMap<>();
            Map<String, List<ArtifactRef>> arts = new LinkedHashMap<>();
            for (String out : c.dag().parameterOutputs().keySet()) {
                List<Object> a = new ArrayList<>();
                iterations.forEach(x -> {
                    Object v = x.parameters().get(out);
                    if (v != null) {
                        a.add(v);
                    }
                });
                params.put(out, a);
            }
            for (String out : c.dag().artifactOutputs().keySet()) {
                List<ArtifactRef> all = new ArrayList<>();
                iterations.forEach(x -> all.addAll(x.artifacts().getOrDefault(out, List.of())));
                arts.put(out, all);
            }
            String message = null;
            if (failed) {
                for (Node x : iterations) {
                    if (x.phase() == Phase.Failed) {
                        message = x.message();
                        break;
                    }
                }
            }
            Node n = new Node(failed ? Phase.Failed : Phase.Succeeded, params, arts, message, ls.task.name());
            writeCompletion(ls.path, n);
            ls.result = n;
            return n;
        }

        private Node iteration(LoopState ls, int i) {
            String ip = ls.path + "/" + i;
            Inst child = memory.instances.get(ip);
            if (child == null) {
                NodeState marker = state(ip);
                if (marker.known() && marker.attempt() == 0 && !tree) {
                    return new Node(marker.phase(), marker.parameters(), marker.artifacts(), marker.message(), ls.task.name());
                }
                Map<String, Object> scope = new LinkedHashMap<>(ls.base);
                LoopSpec l = ls.task.loop();
                Object item = ls.items.get(i);
                scope.put(l.itemInput(), l.artifacts() ? new ArtifactList(List.of((ArtifactRef) item)) : item);
                child = new Inst(ip, ls.component.dag(), scope, ls.task.name(), null, null, ls, i);
                memory.instances.put(ip, child);
            }
            return walk(child);
        }

        private Object resolve(InputSource s, Inst inst) throws CelException {
            Map<String, Object> scope = inst.scope;
            if (s instanceof InputSource.DagInput d) {
                return scope.get(d.name());
            }
            if (s instanceof InputSource.Constant k) {
                return k.value();
            }
            if (s instanceof InputSource.TaskOutput o) {
                Node n = inst.dag.task(o.task()) == null ? null : node(inst, o.task());
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
                Node n = node(inst, f.task());
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
                    Object v = resolve(e.getValue(), inst);
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
            Object v = resolve(sel.source(), inst);
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
