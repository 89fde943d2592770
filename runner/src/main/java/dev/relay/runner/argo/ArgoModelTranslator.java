package dev.relay.runner.argo;

import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.DagOutput;
import dev.relay.runner.engine.model.DagSpec;
import dev.relay.runner.engine.model.InputSource;
import dev.relay.runner.engine.model.LoopSpec;
import dev.relay.runner.engine.model.ModelException;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.engine.model.RetryPolicy;
import dev.relay.runner.engine.model.TaskNode;
import dev.relay.runner.pipeline.JsonValues;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.spec.Argument;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.Names;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.spec.TaskSpec;
import dev.relay.runner.spec.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a KFP 1.8 Argo {@link Workflow} into the engine's {@link PipelineModel}, wrapped in a
 * {@link Pipeline} whose {@link Pipeline#v1Task(String)} gives, for every container component, the
 * KFP v1 component it runs (so the launchers run it exactly like a task of a v1 graph):
 * <ul>
 * <li>a container template becomes a v1 component as {@link ArgoTranslator} writes it: through
 *     KFP's {@code component_spec} annotation where the template has one (names mapped back:
 *     {@code sum-numbers-sum} is output {@code sum}; {@code /tmp/inputs|outputs/<x>/data}
 *     resolve to work-dir paths), else from the template itself (fixed paths the command never
 *     names stay {@code fileOutputs}: a private mount namespace at launch). Its component key is
 *     the template's name;</li>
 * <li>a DAG or steps template called by a task is a sub-DAG component (task path
 *     {@code group/task}); a template calling itself under a {@code when} (KFP's
 *     {@code graph_component} recursion) is a sub-DAG that contains itself, one more path segment
 *     per call, entered while the condition holds (the engine's nesting limit stops a runaway);</li>
 * <li>{@code when} becomes the task's CEL condition ({@link WhenExpression#toCel}) over inputs
 *     {@code relay--condition-<n>} holding the referenced values;</li>
 * <li>{@code withItems} and {@code withParam} (a JSON list from a task output or a parameter)
 *     become a loop whose body receives the item as input {@link #ITEM}; {@code {{item}}} and
 *     {@code {{item.field}}} are read from it inside the body, so each loop's body component is
 *     its own ({@code template@task-path}); the body template's {@code parallelism} limits the
 *     iterations running at once;</li>
 * <li>{@code withItems} whose strings hold references, and arguments with text around references, are
 *     {@link InputSource.Format}s resolved when the task starts (an argument's {@code {{item...}}}
 *     inside the loop body, its other references passed down as inputs {@link #REF}...);</li>
 * <li>{@code depends}: a conjunction of {@code A} / {@code A.Succeeded} is the task's dependencies;
 *     any other expression ({@link DependsExpression}) runs the task once the named tasks have
 *     ended, under a condition over their final statuses (inputs {@link #DEPENDS}...);</li>
 * <li>{@code spec.onExit} is one more root task after every other root task, run however they ended;</li>
 * <li>{@code {{workflow.parameters.x}}} below the root is the sub-DAG input {@code relay--workflow--x},
 *     passed down by every call;</li>
 * <li>{@code retryStrategy.limit} is the task's retry policy; a template's
 *     {@code activeDeadlineSeconds} the v1 task's {@link ArgoTranslator#TIMEOUT} annotation.</li>
 * </ul>
 * Refusals name the file, the template or task and the field.
 */
public final class ArgoModelTranslator {
    /** The loop body's input that receives one item. */
    public static final String ITEM = "relay--item";
    /** Prefix of a sub-DAG input carrying a workflow parameter down. */
    public static final String WORKFLOW = "relay--workflow--";
    /** Prefix of the inputs a translated {@code when} reads (the same as v1 graphs' {@code isEnabled}). */
    public static final String CONDITION = dev.relay.runner.pipeline.V1Translator.CONDITION_INPUT;
    /** The loop task's input holding a {@code withParam} list. */
    public static final String ITEMS = "relay--items";
    /**
     * Prefix of the output key under which a container task's output is read as a value: Argo's
     * {@code {{tasks.T.outputs.parameters.P}}} is the content of P's file, trimmed (the controller
     * adds these values to the task's state for Argo runs); {@code {{tasks.T.outputs.artifacts.A}}}
     * is the file itself (the plain key).
     */
    public static final String VALUE = "relay--value--";
    /** Prefix of the inputs holding the final statuses a {@code depends} expression reads. */
    public static final String DEPENDS = CONDITION + "depends-";
    /** Prefix of a loop task's input passing a reference down to text made around {@code {{item}}} in the body. */
    public static final String REF = "relay--ref--";
    /** {@link PipelineModel#format()} of a translated workflow. */
    public static final String FORMAT = "argo-workflow";
    /** Deepest chain of distinct DAG templates calling each other while translating. */
    static final int MAX_NESTING = 64;

    private final Workflow w;
    private final ArgoTranslator containers;
    private final Map<String, Component> components = new LinkedHashMap<>();
    private final Map<String, TaskSpec> v1Tasks = new LinkedHashMap<>();
    /** Sub-DAG components being built, outermost first, each with whether the call entering it had a {@code when}. */
    private final List<String> building = new ArrayList<>();
    private final List<Boolean> conditional = new ArrayList<>();

    private ArgoModelTranslator(Workflow w) {
        this.w = w;
        this.containers = new ArgoTranslator(w);
    }

    /**
     * @return the pipeline: its model's root is the entrypoint's DAG (plus the exit handler), its
     *     v1 tasks the container templates as v1 components
     * @throws SpecException naming the file and field of what cannot be translated
     */
    public static Pipeline translate(Workflow w) throws SpecException {
        return new ArgoModelTranslator(w).pipeline();
    }

    /** How a DAG's {@code {{inputs.parameters.x}}} and {@code {{item...}}} read their values. */
    private record Scope(boolean root, Map<String, InputSource> overrides) {
        InputSource input(String name) {
            return overrides.getOrDefault(name, new InputSource.DagInput(name));
        }

        InputSource workflow(String name) {
            return new InputSource.DagInput(root ? name : WORKFLOW + name);
        }
    }

    private Pipeline pipeline() throws SpecException {
        Workflow.Template entry = w.templates().get(w.entrypoint());
        Scope scope = new Scope(true, Map.of());
        List<String> rootTasks = new ArrayList<>();
        Map<String, TaskNode> tasks = new LinkedHashMap<>();
        Map<String, DagOutput> outs = new LinkedHashMap<>();
        if (entry.kind() == Workflow.Kind.DAG || entry.kind() == Workflow.Kind.STEPS) {
            // the entrypoint's inputs are the workflow's parameters of the same names, else their defaults
            Map<String, InputSource> over = new LinkedHashMap<>();
            for (Workflow.Parameter p : entry.inputParameters()) {
                boolean isParam = w.parameters().stream().anyMatch(x -> x.name().equals(p.name()));
                over.put(p.name(), isParam || p.value() == null ? new InputSource.DagInput(p.name())
                        : new InputSource.Constant(p.value()));
            }
            scope = new Scope(true, over);
            tasks.putAll(dagTasks(entry, scope));
            outs.putAll(dagOutputs(entry));
            entry.tasks().forEach(t -> rootTasks.add(t.name()));
        } else {
            Workflow.Task only = new Workflow.Task(entry.name(), entry.name(), List.of(), null, null, null, null,
                    entry.inputParameters().stream().map(p -> new Workflow.Parameter(p.name(),
                            "{{workflow.parameters." + p.name() + "}}")).toList(), List.of(), "spec.entrypoint");
            tasks.put(only.name(), task(only, scope, Map.of()));
            rootTasks.add(only.name());
        }
        if (w.onExit() != null) {
            String key = w.onExit();
            while (tasks.containsKey(key)) {
                key = key + "-exit";
            }
            Workflow.Task exit = new Workflow.Task(key, w.onExit(), List.of(), null, null, null, null,
                    List.of(), List.of(), "spec.onExit");
            TaskNode t = task(exit, scope, Map.of());
            tasks.put(key, new TaskNode(t.key(), t.segment(), t.name(), t.component(), new LinkedHashSet<>(rootTasks),
                    t.inputs(), null, true, null, t.retry(), false));
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (Workflow.Parameter p : w.parameters()) {
            if (p.value() != null) {
                defaults.put(p.name(), p.value());
            }
        }
        String rootKey = w.templates().containsKey("root") ? "relay--root" : "root";
        Component root = new Component(rootKey, dag(tasks, outs, "spec.entrypoint"), defaults, null);
        components.put(rootKey, root);
        PipelineModel m = new PipelineModel(w.name(), FORMAT, root, components, null);
        return new Pipeline(m, null, null, null, v1Tasks);
    }

    private DagSpec dag(Map<String, TaskNode> tasks, Map<String, DagOutput> outs, String where) throws SpecException {
        try {
            // an Argo output is read as a value or as a file, as its consumer wants: both selectors
            return new DagSpec(tasks, outs, outs);
        } catch (ModelException e) {
            throw refuse(where + ": " + e.getMessage());
        }
    }

    private Map<String, DagOutput> dagOutputs(Workflow.Template t) throws SpecException {
        Map<String, DagOutput> outs = new LinkedHashMap<>();
        for (Workflow.OutputFile o : concat(t.outputParameters(), t.outputArtifacts())) {
            if (o.parameter() == null) {
                continue;
            }
            if (!(ArgoString.whole(o.parameter()) instanceof ArgoString.Ref.TaskOutput r)) {
                throw refuse(t.where() + ".outputs." + o.name() + ": expected {{tasks.T.outputs.parameters.P}}"
                        + " or {{tasks.T.outputs.artifacts.A}}, found '" + o.parameter() + "'");
            }
            outs.put(o.name(), new DagOutput(List.of(new DagOutput.Selector(r.task(), outputKey(t, r)))));
        }
        return outs;
    }

    private Map<String, TaskNode> dagTasks(Workflow.Template dag, Scope scope) throws SpecException {
        Map<String, TaskNode> tasks = new LinkedHashMap<>();
        Map<String, Workflow.Task> siblings = byName(dag);
        for (Workflow.Task t : dag.tasks()) {
            tasks.put(t.name(), task(t, scope, siblings));
        }
        return tasks;
    }

    private static Map<String, Workflow.Task> byName(Workflow.Template dag) {
        Map<String, Workflow.Task> m = new LinkedHashMap<>();
        dag.tasks().forEach(t -> m.put(t.name(), t));
        return m;
    }

    /** One task of a DAG, with the component it runs (built on first use). */
    private TaskNode task(Workflow.Task t, Scope scope, Map<String, Workflow.Task> siblings) throws SpecException {
        Workflow.Template callee = w.templates().get(t.template());
        if (callee == null) {
            throw refuse(t.path() + ".template: no template named '" + t.template() + "'");
        }
        Set<String> deps = new LinkedHashSet<>();
        for (String d : t.dependencies()) {
            deps.add(sibling(d, t, siblings, ".dependencies"));
        }
        String dependsCel = null;
        Map<String, InputSource> dependsInputs = new LinkedHashMap<>();
        if (t.depends() != null) {
            DependsExpression d;
            try {
                d = DependsExpression.parse(t.depends());
            } catch (IllegalArgumentException e) {
                throw refuse(t.path() + ".depends: " + e.getMessage());
            }
            for (String name : d.tasks()) {
                deps.add(sibling(name, t, siblings, ".depends"));
            }
            if (d.plainTasks() == null) {
                // run once every named task has ended, if the expression holds over their results
                Map<String, String> operands = new LinkedHashMap<>();
                for (String name : d.tasks()) {
                    String input = DEPENDS + operands.size();
                    operands.put(name, "inputs.parameter_values['" + input + "']");
                    dependsInputs.put(input, new InputSource.FinalStatus(name));
                }
                dependsCel = d.toCel(operands::get);
            }
        }
        boolean loop = t.withItems() != null || t.withParam() != null;
        Map<String, InputSource> inputs = new LinkedHashMap<>();
        Map<String, InputSource> bodyOverrides = new LinkedHashMap<>();
        LoopSpec loopSpec = null;
        if (loop) {
            if (callee.kind() != Workflow.Kind.DAG && callee.kind() != Workflow.Kind.STEPS) {
                throw refuse(t.path() + ": a loop (" + (t.withItems() != null ? "withItems" : "withParam")
                        + ") over the container template '" + callee.name() + "' directly; KFP 1.8 writes loops"
                        + " over a for-loop DAG template");
            }
            int parallelism = callee.parallelism() == null ? 0 : callee.parallelism();
            if (t.withItems() != null) {
                Object items = JsonValues.toValue(t.withItems());
                if (!(items instanceof List<?> list)) {
                    throw refuse(t.path() + ".withItems: expected a list");
                }
                Map<String, InputSource> values = new LinkedHashMap<>();
                Object template = formatTemplate(list, values, scope, siblings, t.path() + ".withItems", deps);
                if (values.isEmpty()) {
                    loopSpec = new LoopSpec(false, ITEM, new ArrayList<>(list), null, parallelism);
                } else {
                    // items holding references: the list is made when the loop starts, its references resolved
                    inputs.put(ITEMS, new InputSource.Format(template, values));
                    loopSpec = new LoopSpec(false, ITEM, null, ITEMS, parallelism);
                }
            } else {
                inputs.put(ITEMS, source(t.withParam(), scope, siblings, t.path() + ".withParam", deps));
                loopSpec = new LoopSpec(false, ITEM, null, ITEMS, parallelism);
            }
        }
        for (Workflow.Parameter p : t.parameters()) {
            String at = t.path() + ".arguments.parameters." + p.name();
            if (loop && p.value() != null && ArgoString.whole(p.value()) instanceof ArgoString.Ref.Item item) {
                bodyOverrides.put(p.name(), item(item));
            } else if (loop && p.value() != null
                    && ArgoString.refs(p.value()).stream().anyMatch(ArgoString.Ref.Item.class::isInstance)) {
                // text around {{item...}}: made in the body; its other references resolved here and passed down
                Map<String, InputSource> values = new LinkedHashMap<>();
                for (ArgoString.Ref r : ArgoString.refs(p.value())) {
                    if (r instanceof ArgoString.Ref.Item i) {
                        values.put(r.text(), item(i));
                    } else if (!values.containsKey(r.text())) {
                        String passed = REF + p.name() + "--" + values.size();
                        inputs.put(passed, ref(r, scope, siblings, at, deps));
                        values.put(r.text(), new InputSource.DagInput(passed));
                    }
                }
                bodyOverrides.put(p.name(), new InputSource.Format(normalized(p.value()), values));
            } else {
                inputs.put(p.name(), source(p.value(), scope, siblings, at, deps));
            }
        }
        for (Workflow.ArtifactArg a : t.artifacts()) {
            inputs.put(a.name(), a.raw() != null ? new InputSource.Constant(a.raw())
                    : source(a.from(), scope, siblings, t.path() + ".arguments.artifacts." + a.name(), deps));
        }
        String condition = null;
        Map<String, InputSource> conditionInputs = new LinkedHashMap<>();
        if (t.when() != null) {
            List<SpecException> failed = new ArrayList<>();
            try {
                condition = WhenExpression.toCel(t.when(), r -> {
                    String name = CONDITION + conditionInputs.size();
                    try {
                        conditionInputs.put(name, ref(r, scope, siblings, t.path() + ".when", deps));
                    } catch (SpecException e) {
                        failed.add(e);
                        conditionInputs.put(name, new InputSource.Constant(""));
                    }
                    return "inputs.parameter_values['" + name + "']";
                });
            } catch (IllegalArgumentException e) {
                throw refuse(t.path() + ".when: " + e.getMessage());
            }
            if (!failed.isEmpty()) {
                throw failed.get(0);
            }
        }
        String component;
        switch (callee.kind()) {
            case CONTAINER, SCRIPT -> {
                component = container(callee);
                ArgoTranslator.Comp comp = containers.component(callee);
                Map<String, InputSource> renamed = new LinkedHashMap<>();
                comp.fixed().forEach((k, v) -> renamed.put(k, new InputSource.Constant(
                        Values.toKfpString(((Argument.Constant) v).value()))));
                for (Workflow.Parameter p : callee.inputParameters()) {
                    String input = comp.inputOfParam().get(p.name());
                    if (input == null) {
                        continue;
                    }
                    InputSource s = inputs.get(p.name());
                    if (s == null && p.value() != null) {
                        s = new InputSource.Constant(p.value());
                    }
                    if (s == null) {
                        throw refuse(t.path() + ".arguments.parameters: no value for input parameter '" + p.name()
                                + "' of template '" + callee.name() + "'");
                    }
                    renamed.put(input, s);
                }
                for (Workflow.ArtifactIn in : callee.inputArtifacts()) {
                    InputSource s = inputs.get(in.name());
                    if (s == null && in.raw() != null) {
                        s = new InputSource.Constant(in.raw());
                    }
                    if (s == null) {
                        throw refuse(t.path() + ".arguments.artifacts: no value for input artifact '" + in.name()
                                + "' of template '" + callee.name() + "'");
                    }
                    renamed.put(comp.inputOfArtifact().get(in.name()), s);
                }
                inputs = renamed;
            }
            case DAG, STEPS -> {
                for (Workflow.Parameter p : callee.inputParameters()) {
                    if (!inputs.containsKey(p.name()) && !bodyOverrides.containsKey(p.name())) {
                        if (p.value() == null) {
                            throw refuse(t.path() + ".arguments.parameters: no value for input parameter '" + p.name()
                                    + "' of template '" + callee.name() + "'");
                        }
                        inputs.put(p.name(), new InputSource.Constant(p.value()));
                    }
                }
                for (Workflow.Parameter p : w.parameters()) {
                    inputs.put(WORKFLOW + p.name(), scope.workflow(p.name()));
                }
                component = loop ? callee.name() + "@" + t.path() : callee.name();
                int k = building.indexOf(component);
                if (k >= 0) {
                    // recursion: the cycle must pass a condition somewhere, or it never stops
                    boolean guarded = t.when() != null || conditional.subList(k + 1, conditional.size()).contains(true);
                    if (!guarded) {
                        throw refuse(t.path() + ".template: '" + callee.name() + "' calls itself without a 'when'"
                                + " on the way, so the recursion never stops");
                    }
                } else if (!components.containsKey(component)) {
                    if (building.size() >= MAX_NESTING) {
                        throw refuse(t.path() + ": templates nested deeper than " + MAX_NESTING);
                    }
                    building.add(component);
                    conditional.add(t.when() != null);
                    Map<String, TaskNode> sub = dagTasks(callee, new Scope(false, bodyOverrides));
                    components.put(component, new Component(component, dag(sub, dagOutputs(callee), callee.where()),
                            Map.of(), null));
                    building.remove(building.size() - 1);
                    conditional.remove(conditional.size() - 1);
                }
            }
            default -> throw refuse(t.path() + ".template: '" + callee.name() + "' is a "
                    + callee.kind().name().toLowerCase() + " template, which a local host cannot run");
        }
        inputs.putAll(conditionInputs);
        inputs.putAll(dependsInputs);
        if (dependsCel != null) {
            // Argo weighs depends first, then when
            condition = condition == null ? dependsCel : dependsCel + " && (" + condition + ")";
        }
        RetryPolicy retry = callee.retryLimit() == null ? RetryPolicy.NONE : RetryPolicy.retries(callee.retryLimit());
        return new TaskNode(t.name(), Names.dnsLabel(t.name()), t.name(), component, deps, inputs, condition,
                dependsCel != null, loopSpec, retry, false);
    }

    /** The key of a container template's component (its name), built with its v1 task on first use. */
    private String container(Workflow.Template callee) throws SpecException {
        String key = callee.name();
        if (!components.containsKey(key)) {
            ArgoTranslator.Comp comp = containers.component(callee);
            ComponentSpec spec = ComponentLoader.parse(comp.spec().toString(), w.source() + "#" + callee.where(), null);
            components.put(key, new Component(key, null, defaults(spec), null));
            Map<String, String> annotations = new LinkedHashMap<>();
            if (callee.activeDeadlineSeconds() != null) {
                annotations.put(ArgoTranslator.TIMEOUT, callee.activeDeadlineSeconds() + "s");
            }
            String pod = ArgoPodFields.of(w, callee);
            if (pod != null) {
                // volumes, sidecars, node selection: for the Kubernetes launcher's pod (a host refuses them)
                annotations.put(ArgoPodFields.ANNOTATION, pod);
            }
            v1Tasks.put(key, new TaskSpec(key, spec, Map.of(), annotations,
                    callee.retryLimit() == null ? 0 : callee.retryLimit()));
        }
        return key;
    }

    private String sibling(String name, Workflow.Task t, Map<String, Workflow.Task> siblings, String field)
            throws SpecException {
        if (!siblings.containsKey(name)) {
            throw refuse(t.path() + field + ": '" + name + "' is not a task of this DAG");
        }
        return name;
    }

    /** The output key a {@code {{tasks.T.outputs...O}}} names in T's component. */
    private String outputKey(Workflow.Template dag, ArgoString.Ref.TaskOutput r) throws SpecException {
        Workflow.Task producer = byName(dag).get(r.task());
        if (producer == null) {
            throw refuse(dag.where() + ": {{" + r.text() + "}}: no task '" + r.task() + "' in this DAG");
        }
        return outputOf(producer, r, dag.where());
    }

    private String outputOf(Workflow.Task producer, ArgoString.Ref.TaskOutput r, String at) throws SpecException {
        Workflow.Template pt = w.templates().get(producer.template());
        if (pt != null && (pt.kind() == Workflow.Kind.CONTAINER || pt.kind() == Workflow.Kind.SCRIPT)) {
            String out = containers.component(pt).outputOf().get(r.output());
            if (out == null) {
                throw refuse(at + ": {{" + r.text() + "}}: template '" + pt.name() + "' has no output '"
                        + r.output() + "'");
            }
            return r.artifact() ? out : VALUE + out;
        }
        return r.output();
    }

    private InputSource source(String value, Scope scope, Map<String, Workflow.Task> siblings, String at,
                               Set<String> deps) throws SpecException {
        if (value == null) {
            throw refuse(at + ": missing value");
        }
        List<Object> parts = ArgoString.parse(value);
        if (parts.stream().noneMatch(ArgoString.Ref.class::isInstance)) {
            return new InputSource.Constant(value);
        }
        if (parts.size() == 1) {
            return ref((ArgoString.Ref) parts.get(0), scope, siblings, at, deps);
        }
        Map<String, InputSource> values = new LinkedHashMap<>();
        Object template = formatTemplate(value, values, scope, siblings, at, deps);
        return new InputSource.Format(template, values);
    }

    /**
     * {@code value} (a string, or lists and maps of them) with its references written uniformly
     * ({@code {{ x }}} as {@code {{x}}}), each reference's source added to {@code values} under
     * its text, for {@link InputSource.Format}.
     */
    private Object formatTemplate(Object value, Map<String, InputSource> values, Scope scope,
                                  Map<String, Workflow.Task> siblings, String at, Set<String> deps) throws SpecException {
        if (value instanceof String str) {
            for (ArgoString.Ref r : ArgoString.refs(str)) {
                if (!values.containsKey(r.text())) {
                    values.put(r.text(), ref(r, scope, siblings, at, deps));
                }
            }
            return normalized(str);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(formatTemplate(x, values, scope, siblings, at, deps));
            }
            return out;
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(e.getKey(), formatTemplate(e.getValue(), values, scope, siblings, at, deps));
            }
            return out;
        }
        return value;
    }

    private static String normalized(String s) {
        return ArgoString.substitute(s, r -> "{{" + r.text() + "}}");
    }

    /** A loop body's reading of {@code {{item}}} or {@code {{item.field}}}. */
    private static InputSource item(ArgoString.Ref.Item item) {
        return new InputSource.Selected(new InputSource.DagInput(ITEM), item.field() == null ? "string_value"
                : "string(parseJson(string_value)[\"" + item.field() + "\"])");
    }

    private InputSource ref(ArgoString.Ref r, Scope scope, Map<String, Workflow.Task> siblings, String at,
                            Set<String> deps) throws SpecException {
        if (r instanceof ArgoString.Ref.Input in) {
            return scope.input(in.name());
        }
        if (r instanceof ArgoString.Ref.WorkflowParameter p) {
            if (w.parameters().stream().noneMatch(x -> x.name().equals(p.name()))) {
                throw refuse(at + ": {{" + r.text() + "}}: the workflow has no parameter '" + p.name() + "'");
            }
            return scope.workflow(p.name());
        }
        if (r instanceof ArgoString.Ref.TaskOutput o) {
            Workflow.Task producer = siblings.get(o.task());
            if (producer == null) {
                throw refuse(at + ": {{" + r.text() + "}}: no task '" + o.task() + "' in this DAG");
            }
            deps.add(o.task());
            return new InputSource.TaskOutput(o.task(), outputOf(producer, o, at));
        }
        if (r instanceof ArgoString.Ref.Item) {
            throw refuse(at + ": {{" + r.text() + "}} outside a loop's arguments");
        }
        throw refuse(at + ": {{" + r.text() + "}} is not supported here");
    }

    private SpecException refuse(String message) {
        return new SpecException(SpecError.ofFile(w.source(), message));
    }

    private static Map<String, Object> defaults(ComponentSpec c) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (InputSpec in : c.inputs()) {
            if (in.hasDefault()) {
                d.put(in.name(), Values.toKfpString(in.defaultValue()));
            }
        }
        return d;
    }

    private static List<Workflow.OutputFile> concat(List<Workflow.OutputFile> a, List<Workflow.OutputFile> b) {
        List<Workflow.OutputFile> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
