package dev.relay.runner.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.model.Component;
import dev.relay.runner.model.DagOutput;
import dev.relay.runner.model.DagSpec;
import dev.relay.runner.model.InputSource;
import dev.relay.runner.model.LoopSpec;
import dev.relay.runner.model.ModelException;
import dev.relay.runner.model.PipelineModel;
import dev.relay.runner.model.RetryPolicy;
import dev.relay.runner.model.TaskNode;
import dev.relay.runner.spec.Argument;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.spec.Values;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a KFP 1.8 Argo {@link Workflow} into the {@link PipelineModel} (the engine's DAG of
 * executor and sub-DAG tasks), with what a flat graph cannot hold:
 * <ul>
 * <li>a DAG or steps template called by a task is a sub-DAG component (task path
 *     {@code group/task}); the same template is one component wherever it is called, so a template
 *     calling itself under a {@code when} (KFP's {@code graph_component} recursion) is a sub-DAG
 *     that contains itself, entered one level per call while the condition holds;</li>
 * <li>{@code when} becomes the task's CEL condition ({@link WhenExpression#toCel}) over inputs
 *     {@code relay--condition-<n>} holding the referenced values;</li>
 * <li>{@code withItems} (literal items) and {@code withParam} (a JSON list from a task output or a
 *     parameter) become a loop whose body receives the item as input {@link #ITEM}; arguments
 *     {@code {{item}}} / {@code {{item.field}}} are read from it inside the body (KFP's
 *     {@code parseJson(string_value)["field"]} selector), so the loop's body component is its own
 *     per call site;</li>
 * <li>{@code spec.onExit} is one more root task, after every other root task, run however they
 *     ended ({@code runAfterAll});</li>
 * <li>{@code {{workflow.parameters.x}}} below the root is the sub-DAG input
 *     {@code relay--workflow--x}, passed down by every call;</li>
 * <li>{@code retryStrategy.limit} is the task's retry policy.</li>
 * </ul>
 * Container templates become KFP v1 components exactly as {@link ArgoTranslator} writes them
 * (names mapped back through the {@code component_spec} annotation). Refusals name the field.
 */
public final class ArgoModelTranslator {
    /** The loop body's input that receives one item. */
    public static final String ITEM = "relay--item";
    /** Prefix of a sub-DAG input carrying a workflow parameter down. */
    public static final String WORKFLOW = "relay--workflow--";
    /** Prefix of the inputs a translated {@code when} reads. */
    public static final String CONDITION = "relay--condition-";
    /** The loop task's input holding a {@code withParam} list. */
    public static final String ITEMS = "relay--items";
    /** {@link PipelineModel#format()} of a translated workflow. */
    public static final String FORMAT = "kfp-v1-argo";
    /** Deepest chain of distinct DAG templates calling each other. */
    static final int MAX_NESTING = 64;

    private final Workflow w;
    private final ArgoTranslator containers;
    private final Map<String, Component> components = new LinkedHashMap<>();
    private final Map<String, ComponentSpec> v1 = new HashMap<>();
    /** Sub-DAG components being built, outermost first, each with whether the call entering it had a {@code when}. */
    private final List<String> building = new ArrayList<>();
    private final List<Boolean> conditional = new ArrayList<>();

    private ArgoModelTranslator(Workflow w) {
        this.w = w;
        this.containers = new ArgoTranslator(w);
    }

    /**
     * @return the model; its root is the entrypoint's DAG (plus the exit handler)
     * @throws SpecException naming the field of what cannot be translated
     */
    public static PipelineModel translate(Workflow w) throws SpecException {
        return new ArgoModelTranslator(w).model();
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

    private PipelineModel model() throws SpecException {
        Workflow.Template entry = w.templates().get(w.entrypoint());
        Scope scope = new Scope(true, Map.of());
        List<Workflow.Task> rootTasks;
        Map<String, InputSource> entryInputs = new LinkedHashMap<>();
        for (Workflow.Parameter p : entry.inputParameters()) {
            entryInputs.put(p.name(), new InputSource.DagInput(p.name()));
        }
        Map<String, TaskNode> tasks = new LinkedHashMap<>();
        Map<String, DagOutput> outs = new LinkedHashMap<>();
        if (entry.kind() == Workflow.Kind.DAG || entry.kind() == Workflow.Kind.STEPS) {
            // the entrypoint's inputs are the workflow's parameters of the same names
            Map<String, InputSource> over = new LinkedHashMap<>();
            for (Workflow.Parameter p : entry.inputParameters()) {
                boolean isParam = w.parameters().stream().anyMatch(x -> x.name().equals(p.name()));
                over.put(p.name(), isParam || p.value() == null ? new InputSource.DagInput(p.name())
                        : new InputSource.Constant(TextNode.valueOf(p.value())));
            }
            scope = new Scope(true, over);
            tasks.putAll(dagTasks(entry, scope));
            outs.putAll(dagOutputs(entry));
            rootTasks = entry.tasks();
        } else {
            Workflow.Task only = new Workflow.Task(entry.name(), entry.name(), List.of(), null, null, null, null,
                    entry.inputParameters().stream().map(p -> new Workflow.Parameter(p.name(),
                            "{{workflow.parameters." + p.name() + "}}")).toList(), List.of(), "spec.entrypoint");
            tasks.put(only.name(), task(only, scope, Map.of()));
            rootTasks = List.of(only);
        }
        if (w.onExit() != null) {
            String key = w.onExit();
            while (tasks.containsKey(key)) {
                key = key + "-exit";
            }
            Workflow.Task exit = new Workflow.Task(key, w.onExit(), List.of(), null, null, null, null,
                    List.of(), List.of(), "spec.onExit");
            TaskNode t = task(exit, scope, Map.of());
            Set<String> all = new LinkedHashSet<>();
            rootTasks.forEach(r -> all.add(r.name()));
            tasks.put(key, new TaskNode(t.key(), t.name(), t.component(), all, t.inputs(), null, true, null,
                    t.retry(), false, null));
        }
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        for (Workflow.Parameter p : w.parameters()) {
            if (p.value() != null) {
                defaults.put(p.name(), TextNode.valueOf(p.value()));
            }
        }
        Component root = new Component("root", dag(tasks, outs, "spec.entrypoint"), defaults, null, null, null, null);
        components.put("root", root);
        return new PipelineModel(w.name(), FORMAT, root, components, null, null);
    }

    private DagSpec dag(Map<String, TaskNode> tasks, Map<String, DagOutput> outs, String where) throws SpecException {
        try {
            return new DagSpec(tasks, outs, Map.of());
        } catch (ModelException e) {
            throw new SpecException(SpecError.ofFile(w.source(), where + ": " + e.getMessage()));
        }
    }

    private Map<String, DagOutput> dagOutputs(Workflow.Template t) throws SpecException {
        Map<String, DagOutput> outs = new LinkedHashMap<>();
        for (Workflow.OutputFile o : concat(t.outputParameters(), t.outputArtifacts())) {
            if (o.parameter() == null) {
                continue;
            }
            if (!(ArgoString.whole(o.parameter()) instanceof ArgoString.Ref.TaskOutput r)) {
                throw new SpecException(SpecError.ofFile(w.source(), t.where() + ".outputs." + o.name()
                        + ": expected {{tasks.T.outputs.parameters.P}}, found '" + o.parameter() + "'"));
            }
            outs.put(o.name(), new DagOutput(List.of(new DagOutput.Selector(r.task(), outputKey(t, r)))));
        }
        return outs;
    }

    private Map<String, TaskNode> dagTasks(Workflow.Template dag, Scope scope) throws SpecException {
        Map<String, TaskNode> tasks = new LinkedHashMap<>();
        for (Workflow.Task t : dag.tasks()) {
            tasks.put(t.name(), task(t, scope, byName(dag)));
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
        Set<String> deps = new LinkedHashSet<>(t.dependencies());
        if (t.depends() != null) {
            for (String part : t.depends().split("&&")) {
                String p = part.strip();
                if (p.endsWith(".Succeeded")) {
                    p = p.substring(0, p.length() - ".Succeeded".length());
                }
                if (!siblings.containsKey(p)) {
                    throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".depends: '" + t.depends()
                            + "': only 'a && b' and 'a.Succeeded' forms over tasks of this DAG are supported"));
                }
                deps.add(p);
            }
        }
        boolean loop = t.withItems() != null || t.withParam() != null;
        Map<String, InputSource> inputs = new LinkedHashMap<>();
        Map<String, InputSource> bodyOverrides = new LinkedHashMap<>();
        String component;
        LoopSpec loopSpec = null;
        if (loop) {
            if (callee.kind() != Workflow.Kind.DAG && callee.kind() != Workflow.Kind.STEPS) {
                // a loop over a container: its body is a one-task DAG around it
                throw new SpecException(SpecError.ofFile(w.source(), t.path() + ": a loop ("
                        + (t.withItems() != null ? "withItems" : "withParam") + ") over the container template '"
                        + callee.name() + "' directly; KFP 1.8 writes loops over a for-loop DAG template"));
            }
            JsonNode raw = null;
            String itemsInput = null;
            if (t.withItems() != null) {
                if (ArgoString.refs(t.withItems().toString()).size() > 0) {
                    throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".withItems: items with {{...}}"
                            + " references (known only at run time) are not supported; use withParam"));
                }
                raw = t.withItems();
            } else {
                inputs.put(ITEMS, source(t.withParam(), scope, siblings, t.path() + ".withParam", deps));
                itemsInput = ITEMS;
            }
            loopSpec = new LoopSpec(false, ITEM, raw, itemsInput, callee.parallelism() == null ? 0 : callee.parallelism());
        }
        for (Workflow.Parameter p : t.parameters()) {
            String at = t.path() + ".arguments.parameters." + p.name();
            if (loop && p.value() != null && ArgoString.whole(p.value()) instanceof ArgoString.Ref.Item item) {
                bodyOverrides.put(p.name(), item.field() == null ? new InputSource.DagInput(ITEM)
                        : new InputSource.Selected(new InputSource.DagInput(ITEM),
                        "parseJson(string_value)[\"" + item.field() + "\"]"));
            } else {
                inputs.put(p.name(), source(p.value(), scope, siblings, at, deps));
            }
        }
        for (Workflow.ArtifactArg a : t.artifacts()) {
            inputs.put(a.name(), a.raw() != null ? new InputSource.Constant(TextNode.valueOf(a.raw()))
                    : source(a.from(), scope, siblings, t.path() + ".arguments.artifacts." + a.name(), deps));
        }
        String condition = null;
        if (t.when() != null) {
            List<InputSource> operands = new ArrayList<>();
            List<SpecException> failed = new ArrayList<>();
            try {
                condition = WhenExpression.toCel(t.when(), r -> {
                    try {
                        operands.add(ref(r, scope, siblings, t.path() + ".when", deps));
                    } catch (SpecException e) {
                        failed.add(e);
                    }
                    return "inputs.parameter_values['" + CONDITION + (operands.size() - 1 + failed.size()) + "']";
                });
            } catch (IllegalArgumentException e) {
                throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".when: " + e.getMessage()));
            }
            if (!failed.isEmpty()) {
                throw failed.get(0);
            }
            for (int i = 0; i < operands.size(); i++) {
                inputs.put(CONDITION + i, operands.get(i));
            }
        }
        switch (callee.kind()) {
            case CONTAINER, SCRIPT -> {
                ArgoTranslator.Comp comp = containers.component(callee);
                component = "container/" + callee.name();
                if (!components.containsKey(component)) {
                    ComponentSpec spec = ComponentLoader.parse(comp.spec().toString(), w.source() + "#" + callee.where(), null);
                    v1.put(component, spec);
                    components.put(component, new Component(component, null, defaults(spec), null, null, null, spec));
                }
                Map<String, InputSource> renamed = new LinkedHashMap<>();
                comp.fixed().forEach((k, v) -> renamed.put(k, new InputSource.Constant(
                        TextNode.valueOf(Values.toKfpString(((Argument.Constant) v).value())))));
                for (Workflow.Parameter p : callee.inputParameters()) {
                    String input = comp.inputOfParam().get(p.name());
                    InputSource s = inputs.get(p.name());
                    if (input == null) {
                        continue;
                    }
                    if (s == null && p.value() != null) {
                        s = new InputSource.Constant(TextNode.valueOf(p.value()));
                    }
                    if (s == null) {
                        throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".arguments.parameters: no"
                                + " value for input parameter '" + p.name() + "' of template '" + callee.name() + "'"));
                    }
                    renamed.put(input, s);
                }
                for (Workflow.ArtifactIn in : callee.inputArtifacts()) {
                    InputSource s = inputs.get(in.name());
                    if (s == null && in.raw() != null) {
                        s = new InputSource.Constant(TextNode.valueOf(in.raw()));
                    }
                    if (s == null) {
                        throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".arguments.artifacts: no"
                                + " value for input artifact '" + in.name() + "' of template '" + callee.name() + "'"));
                    }
                    renamed.put(comp.inputOfArtifact().get(in.name()), s);
                }
                inputs.forEach((k, v) -> {
                    if (k.startsWith(CONDITION)) {
                        renamed.put(k, v);
                    }
                });
                inputs = renamed;
            }
            case DAG, STEPS -> {
                for (Workflow.Parameter p : callee.inputParameters()) {
                    if (!inputs.containsKey(p.name()) && !bodyOverrides.containsKey(p.name())) {
                        if (p.value() == null) {
                            throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".arguments.parameters:"
                                    + " no value for input parameter '" + p.name() + "' of template '" + callee.name() + "'"));
                        }
                        inputs.put(p.name(), new InputSource.Constant(TextNode.valueOf(p.value())));
                    }
                }
                for (Workflow.Parameter p : w.parameters()) {
                    inputs.put(WORKFLOW + p.name(), scope.workflow(p.name()));
                }
                component = loop ? "dag/" + callee.name() + "@" + t.path() : "dag/" + callee.name();
                int k = building.indexOf(component);
                if (k >= 0) {
                    // recursion: the cycle must pass a condition somewhere, or it never stops
                    boolean guarded = t.when() != null || conditional.subList(k + 1, conditional.size()).contains(true);
                    if (!guarded) {
                        throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".template: '" + callee.name()
                                + "' calls itself without a 'when' on the way, so the recursion never stops"));
                    }
                } else if (!components.containsKey(component)) {
                    if (building.size() >= MAX_NESTING) {
                        throw new SpecException(SpecError.ofFile(w.source(), t.path() + ": templates nested deeper than "
                                + MAX_NESTING));
                    }
                    building.add(component);
                    conditional.add(t.when() != null);
                    Map<String, TaskNode> sub = dagTasks(callee, new Scope(false, bodyOverrides));
                    components.put(component, new Component(component, dag(sub, dagOutputs(callee), callee.where()),
                            Map.of(), null, null, null, null));
                    building.remove(building.size() - 1);
                    conditional.remove(conditional.size() - 1);
                }
            }
            default -> throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".template: '" + callee.name()
                    + "' is a " + callee.kind().name().toLowerCase() + " template, which a local host cannot run"));
        }
        RetryPolicy retry = callee.retryLimit() == null ? RetryPolicy.NONE : RetryPolicy.retries(callee.retryLimit());
        return new TaskNode(t.name(), t.name(), component, deps, inputs, condition, false, loopSpec, retry, false, null);
    }

    /** The output key a {@code {{tasks.T.outputs...O}}} names in T's component. */
    private String outputKey(Workflow.Template dag, ArgoString.Ref.TaskOutput r) throws SpecException {
        Workflow.Task producer = byName(dag).get(r.task());
        if (producer == null) {
            throw new SpecException(SpecError.ofFile(w.source(), dag.where() + ": {{" + r.text() + "}}: no task '"
                    + r.task() + "' in this DAG"));
        }
        Workflow.Template pt = w.templates().get(producer.template());
        if (pt.kind() == Workflow.Kind.CONTAINER || pt.kind() == Workflow.Kind.SCRIPT) {
            String out = containers.component(pt).outputOf().get(r.output());
            if (out == null) {
                throw new SpecException(SpecError.ofFile(w.source(), dag.where() + ": {{" + r.text() + "}}: template '"
                        + pt.name() + "' has no output '" + r.output() + "'"));
            }
            return out;
        }
        return r.output();
    }

    private InputSource source(String value, Scope scope, Map<String, Workflow.Task> siblings, String at,
                               Set<String> deps) throws SpecException {
        if (value == null) {
            throw new SpecException(SpecError.ofFile(w.source(), at + ": missing value"));
        }
        List<Object> parts = ArgoString.parse(value);
        if (parts.stream().noneMatch(ArgoString.Ref.class::isInstance)) {
            return new InputSource.Constant(TextNode.valueOf(value));
        }
        if (parts.size() == 1) {
            return ref((ArgoString.Ref) parts.get(0), scope, siblings, at, deps);
        }
        throw new SpecException(SpecError.ofFile(w.source(), at + ": '" + value + "' mixes text with references,"
                + " whose values are known only at run time; this version of Relay passes such values whole only"));
    }

    private InputSource ref(ArgoString.Ref r, Scope scope, Map<String, Workflow.Task> siblings, String at,
                            Set<String> deps) throws SpecException {
        if (r instanceof ArgoString.Ref.Input in) {
            return scope.input(in.name());
        }
        if (r instanceof ArgoString.Ref.WorkflowParameter p) {
            if (w.parameters().stream().noneMatch(x -> x.name().equals(p.name()))) {
                throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}}: the workflow has no"
                        + " parameter '" + p.name() + "'"));
            }
            return scope.workflow(p.name());
        }
        if (r instanceof ArgoString.Ref.TaskOutput o) {
            Workflow.Task producer = siblings.get(o.task());
            if (producer == null) {
                throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}}: no task '" + o.task()
                        + "' in this DAG"));
            }
            deps.add(o.task());
            Workflow.Template pt = w.templates().get(producer.template());
            String key = o.output();
            if (pt.kind() == Workflow.Kind.CONTAINER || pt.kind() == Workflow.Kind.SCRIPT) {
                key = containers.component(pt).outputOf().get(o.output());
                if (key == null) {
                    throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}}: task '" + o.task()
                            + "' has no output '" + o.output() + "'"));
                }
            }
            return new InputSource.TaskOutput(o.task(), key);
        }
        throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}} is not supported here"));
    }

    private static Map<String, JsonNode> defaults(ComponentSpec c) {
        Map<String, JsonNode> d = new LinkedHashMap<>();
        for (InputSpec in : c.inputs()) {
            if (in.hasDefault()) {
                d.put(in.name(), TextNode.valueOf(Values.toKfpString(in.defaultValue())));
            }
        }
        return d;
    }

    private static List<Workflow.OutputFile> concat(List<Workflow.OutputFile> a, List<Workflow.OutputFile> b) {
        List<Workflow.OutputFile> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static JsonNode json(String s) {
        return Json.MAPPER.getNodeFactory().textNode(s);
    }
}
