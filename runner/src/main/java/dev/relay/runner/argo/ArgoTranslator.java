package dev.relay.runner.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.spec.Argument;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.spec.TaskSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates a KFP 1.8 Argo {@link Workflow} into a KFP v1 graph component (the pipeline model
 * Relay runs today), as a JSON tree with every component inlined ({@code componentRef.spec}):
 * <ul>
 * <li>the pipeline's inputs are {@code spec.arguments.parameters} with their defaults;</li>
 * <li>each container template becomes a component. Where it carries KFP's
 *     {@code pipelines.kubeflow.org/component_spec} annotation that spec is used, so inputs and
 *     outputs get their KFP names back ({@code sum-numbers-sum} at {@code /tmp/outputs/sum/data}
 *     is output {@code sum}) and its placeholders resolve to work-dir paths. Otherwise the
 *     component is written from the template: {@code {{inputs.parameters.x}}} become
 *     {@code inputValue}s, the fixed input and output paths found in the command become
 *     {@code inputPath}/{@code outputPath}, and outputs read from paths the command never names
 *     stay {@code fileOutputs} at their absolute path (a private mount namespace at launch);</li>
 * <li>DAG and steps templates are inlined: a nested task's id is its path, {@code group/task};
 *     {@code dependencies} without data become the {@link TaskSpec#AFTER} annotation;</li>
 * <li>{@code retryStrategy.limit} becomes {@code maxRetries}; a template's
 *     {@code activeDeadlineSeconds} the {@code relay.dev/timeout} annotation.</li>
 * </ul>
 * What the graph model cannot express yet ({@code when}, {@code withItems}, {@code withParam},
 * {@code onExit}, recursion, composite arguments mixing task outputs) is refused with a
 * {@link SpecException} naming the field.
 */
public final class ArgoTranslator {
    /** The annotation holding a task's time limit, as the Kubernetes launcher reads it. */
    public static final String TIMEOUT = "relay.dev/timeout";
    private static final Pattern INPUT_DIR = Pattern.compile("^/tmp/inputs/([^/]+)/data$");
    private static final Pattern OUTPUT_DIR = Pattern.compile("^/tmp/outputs/([^/]+)/data$");
    private static final int MAX_NESTING = 64;

    private final Workflow w;
    private final ObjectNode tasks = Json.MAPPER.createObjectNode();
    private final Map<String, Comp> comps = new HashMap<>();
    private final Set<String> usedGraphInputs = new LinkedHashSet<>();

    ArgoTranslator(Workflow w) {
        this.w = w;
    }

    /**
     * @return the graph component: {@code {name, description?, inputs, implementation: {graph: {tasks}}}}
     * @throws SpecException naming the field of every construct that cannot be translated
     */
    public static ObjectNode toGraphComponent(Workflow w) throws SpecException {
        return new ArgoTranslator(w).translate();
    }

    // ------------------------------------------------------------------ components

    /** A container template as a component, with the map from Argo names to the component's. */
    record Comp(ObjectNode spec, Map<String, String> inputOfParam, Map<String, String> inputOfArtifact,
                        Map<String, String> outputOf, Map<String, Argument> fixed) {}

    /** What a DAG task became: one task, or a group of tasks (a nested DAG) with its outputs. */
    private sealed interface Node {
        Set<String> leaves();
    }

    private record Leaf(String id, Comp comp) implements Node {
        public Set<String> leaves() {
            return Set.of(id);
        }
    }

    private record Group(Set<String> leaves, Map<String, Argument> outputs) implements Node {}

    private ObjectNode translate() throws SpecException {
        List<String> refused = new ArrayList<>();
        if (w.onExit() != null) {
            refused.add("spec.onExit: exit handlers (" + w.onExit() + ") " + NEEDS_MODEL);
        }
        if (!refused.isEmpty()) {
            throw refusal(refused);
        }
        Workflow.Template entry = w.templates().get(w.entrypoint());
        Map<String, Argument> bindings = new LinkedHashMap<>();
        for (Workflow.Parameter p : w.parameters()) {
            bindings.put(p.name(), new Argument.GraphInput(p.name()));
        }
        if (entry.kind() == Workflow.Kind.DAG || entry.kind() == Workflow.Kind.STEPS) {
            Map<String, Argument> inner = new LinkedHashMap<>();
            for (Workflow.Parameter p : entry.inputParameters()) {
                Argument a = bindings.get(p.name());
                inner.put(p.name(), a != null ? a : p.value() != null ? new Argument.Constant(p.value()) : null);
            }
            expand(entry, "", inner, Set.of(), new ArrayDeque<>(List.of(entry.name())));
        } else {
            Workflow.Task only = new Workflow.Task(entry.name(), entry.name(), List.of(), null, null, null, null,
                    entry.inputParameters().stream().map(p -> new Workflow.Parameter(p.name(),
                            "{{workflow.parameters." + p.name() + "}}")).toList(), List.of(), "spec.entrypoint");
            emitLeaf(only, entry, "", bindings, Map.of(), Set.of());
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("name", w.name());
        if (w.pipelineSpec() != null && w.pipelineSpec().hasNonNull("description")) {
            out.put("description", w.pipelineSpec().get("description").asText());
        }
        ArrayNode inputs = out.putArray("inputs");
        for (Workflow.Parameter p : w.parameters()) {
            ObjectNode in = inputs.addObject().put("name", p.name());
            if (p.value() != null) {
                in.put("default", p.value());
            }
        }
        out.putObject("implementation").putObject("graph").set("tasks", tasks);
        return out;
    }

    private static final String NEEDS_MODEL = "need the nested pipeline model (conditions, loops, exit"
            + " handlers), which this version of Relay does not have yet";

    /** Inlines a DAG or steps template; returns its tasks by name. */
    private Map<String, Node> expand(Workflow.Template dag, String prefix, Map<String, Argument> bindings,
                                     Set<String> outerDeps, Deque<String> stack) throws SpecException {
        if (stack.size() > MAX_NESTING) {
            throw new SpecException(SpecError.ofFile(w.source(), dag.where() + ": DAGs nested deeper than "
                    + MAX_NESTING));
        }
        Map<String, Workflow.Task> byName = new LinkedHashMap<>();
        for (Workflow.Task t : dag.tasks()) {
            byName.put(t.name(), t);
        }
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (Workflow.Task t : order(dag, byName)) {
            List<String> refused = new ArrayList<>();
            if (t.when() != null) {
                refused.add(t.path() + ".when: conditions ('" + t.when() + "') " + NEEDS_MODEL);
            }
            if (t.withItems() != null) {
                refused.add(t.path() + ".withItems: loops " + NEEDS_MODEL);
            }
            if (t.withParam() != null) {
                refused.add(t.path() + ".withParam: loops over '" + t.withParam() + "' " + NEEDS_MODEL);
            }
            if (stack.contains(t.template())) {
                refused.add(t.path() + ".template: '" + t.template() + "' calls itself (recursion) and recursion "
                        + NEEDS_MODEL);
            }
            if (!refused.isEmpty()) {
                throw refusal(refused);
            }
            Set<String> deps = new LinkedHashSet<>();
            for (String d : dependencyNames(t, byName)) {
                deps.addAll(nodes.get(d).leaves());
            }
            if (deps.isEmpty()) {
                deps.addAll(outerDeps);
            }
            Map<String, Argument> params = new LinkedHashMap<>();
            for (Workflow.Parameter p : t.parameters()) {
                params.put(p.name(), resolve(p.value(), bindings, nodes, t.path() + ".arguments.parameters." + p.name()));
            }
            Map<String, Argument> arts = new LinkedHashMap<>();
            for (Workflow.ArtifactArg a : t.artifacts()) {
                arts.put(a.name(), a.raw() != null ? new Argument.Constant(a.raw())
                        : resolve(a.from(), bindings, nodes, t.path() + ".arguments.artifacts." + a.name()));
            }
            Workflow.Template callee = w.templates().get(t.template());
            switch (callee.kind()) {
                case CONTAINER, SCRIPT -> nodes.put(t.name(), emitLeaf(t, callee, prefix, params, arts, deps));
                case DAG, STEPS -> {
                    Map<String, Argument> inner = new LinkedHashMap<>();
                    for (Workflow.Parameter p : callee.inputParameters()) {
                        Argument a = params.get(p.name());
                        inner.put(p.name(), a != null ? a : p.value() != null ? new Argument.Constant(p.value()) : null);
                    }
                    for (Workflow.ArtifactIn a : callee.inputArtifacts()) {
                        Argument v = arts.get(a.name());
                        inner.put(a.name(), v != null ? v : a.raw() != null ? new Argument.Constant(a.raw()) : null);
                    }
                    stack.push(callee.name());
                    Map<String, Node> sub = expand(callee, prefix + t.name() + "/", inner, deps, stack);
                    stack.pop();
                    Set<String> leaves = new LinkedHashSet<>();
                    sub.values().forEach(n -> leaves.addAll(n.leaves()));
                    Map<String, Argument> outs = new LinkedHashMap<>();
                    for (Workflow.OutputFile o : concat(callee.outputParameters(), callee.outputArtifacts())) {
                        if (o.parameter() != null) {
                            outs.put(o.name(), resolve(o.parameter(), inner, sub, callee.where() + ".outputs." + o.name()));
                        }
                    }
                    nodes.put(t.name(), new Group(leaves, outs));
                }
                default -> throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".template: '"
                        + callee.name() + "' is a " + callee.kind().name().toLowerCase() + " template, which a"
                        + " local host cannot run"));
            }
        }
        return nodes;
    }

    private Node emitLeaf(Workflow.Task t, Workflow.Template callee, String prefix, Map<String, Argument> params,
                          Map<String, Argument> arts, Set<String> deps) throws SpecException {
        Comp comp = component(callee);
        String id = prefix + t.name();
        ObjectNode task = tasks.putObject(id);
        task.putObject("componentRef").set("spec", comp.spec());
        ObjectNode args = task.putObject("arguments");
        Map<String, Argument> given = new LinkedHashMap<>(comp.fixed());
        for (Workflow.Parameter p : callee.inputParameters()) {
            String input = comp.inputOfParam().get(p.name());
            if (input == null) {
                continue;
            }
            Argument a = params.get(p.name());
            if (a == null && p.value() != null) {
                a = new Argument.Constant(p.value());
            }
            if (a == null) {
                throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".arguments.parameters: no value for"
                        + " input parameter '" + p.name() + "' of template '" + callee.name() + "'"));
            }
            given.put(input, a);
        }
        for (Workflow.ArtifactIn in : callee.inputArtifacts()) {
            String input = comp.inputOfArtifact().get(in.name());
            Argument a = arts.get(in.name());
            if (a == null && in.raw() != null) {
                a = new Argument.Constant(in.raw());
            }
            if (a == null) {
                throw new SpecException(SpecError.ofFile(w.source(), t.path() + ".arguments.artifacts: no value for"
                        + " input artifact '" + in.name() + "' of template '" + callee.name() + "'"));
            }
            given.put(input, a);
        }
        given.forEach((k, v) -> args.set(k, json(v)));
        ObjectNode ann = Json.MAPPER.createObjectNode();
        Set<String> after = new LinkedHashSet<>(deps);
        given.values().forEach(a -> {
            if (a instanceof Argument.TaskOutput o) {
                after.remove(o.taskId());
            }
        });
        if (!after.isEmpty()) {
            ann.put(TaskSpec.AFTER, String.join(",", after));
        }
        if (callee.activeDeadlineSeconds() != null) {
            ann.put(TIMEOUT, callee.activeDeadlineSeconds() + "s");
        }
        if (!ann.isEmpty()) {
            task.set("annotations", ann);
        }
        if (callee.retryLimit() != null && callee.retryLimit() > 0) {
            task.putObject("executionOptions").putObject("retryStrategy").put("maxRetries", callee.retryLimit());
        }
        return new Leaf(id, comp);
    }

    Comp component(Workflow.Template t) throws SpecException {
        Comp c = comps.get(t.name());
        if (c == null) {
            c = fromAnnotation(t);
            if (c == null) {
                c = fromTemplate(t);
            }
            comps.put(t.name(), c);
        }
        return c;
    }

    /** The component of KFP's component_spec annotation, when every Argo input and output maps onto it. */
    private Comp fromAnnotation(Workflow.Template t) {
        JsonNode cs = t.componentSpec();
        if (cs == null || !cs.path("implementation").has("container")) {
            return null;
        }
        Map<String, String> bySanitized = new HashMap<>();
        Set<String> inputs = new LinkedHashSet<>();
        for (JsonNode in : cs.path("inputs")) {
            inputs.add(in.path("name").asText());
            bySanitized.put("in:" + sanitizeFileName(in.path("name").asText()), in.path("name").asText());
        }
        for (JsonNode out : cs.path("outputs")) {
            bySanitized.put("out:" + sanitizeFileName(out.path("name").asText()), out.path("name").asText());
        }
        Map<String, String> inputOfParam = new LinkedHashMap<>();
        Map<String, Argument> fixed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : t.argumentsParameters().entrySet()) {
            if (!inputs.contains(e.getKey())) {
                return null;
            }
            List<Object> parts = ArgoString.parse(e.getValue());
            if (parts.isEmpty() || parts.stream().noneMatch(ArgoString.Ref.class::isInstance)) {
                fixed.put(e.getKey(), new Argument.Constant(e.getValue()));
            } else if (ArgoString.whole(e.getValue()) instanceof ArgoString.Ref.Input in && !in.artifact()) {
                inputOfParam.put(in.name(), e.getKey());
            } else {
                return null;
            }
        }
        for (Workflow.Parameter p : t.inputParameters()) {
            if (!inputOfParam.containsKey(p.name())) {
                if (!inputs.contains(p.name())) {
                    return null;
                }
                inputOfParam.put(p.name(), p.name());
            }
        }
        Map<String, String> inputOfArtifact = new LinkedHashMap<>();
        for (Workflow.ArtifactIn a : t.inputArtifacts()) {
            Matcher m = INPUT_DIR.matcher(a.path() == null ? "" : a.path());
            String input = m.matches() ? bySanitized.get("in:" + m.group(1)) : null;
            if (input == null) {
                return null;
            }
            inputOfArtifact.put(a.name(), input);
        }
        Map<String, String> outputOf = new LinkedHashMap<>();
        for (Workflow.OutputFile o : concat(t.outputParameters(), t.outputArtifacts())) {
            Matcher m = OUTPUT_DIR.matcher(o.path() == null ? "" : o.path());
            String output = m.matches() ? bySanitized.get("out:" + m.group(1)) : null;
            if (output == null) {
                return null;
            }
            outputOf.put(o.name(), output);
        }
        ObjectNode spec = cs.deepCopy();
        ObjectNode container = (ObjectNode) spec.path("implementation").path("container");
        if (t.container().image() != null) {
            container.put("image", t.container().image());
        }
        env(t, container);
        return new Comp(spec, inputOfParam, inputOfArtifact, outputOf, fixed);
    }

    /** A component written from the template itself (ContainerOp, or a template edited after compile). */
    private Comp fromTemplate(Workflow.Template t) throws SpecException {
        ObjectNode spec = Json.MAPPER.createObjectNode();
        spec.put("name", t.name());
        ArrayNode inputs = spec.putArray("inputs");
        Map<String, String> inputOfParam = new LinkedHashMap<>();
        Map<String, String> inputOfArtifact = new LinkedHashMap<>();
        for (Workflow.Parameter p : t.inputParameters()) {
            inputs.addObject().put("name", p.name());
            inputOfParam.put(p.name(), p.name());
        }
        Map<String, String> pathToInput = new LinkedHashMap<>();
        for (Workflow.ArtifactIn a : t.inputArtifacts()) {
            String name = inputOfParam.containsKey(a.name()) ? a.name() + "-artifact" : a.name();
            inputs.addObject().put("name", name);
            inputOfArtifact.put(a.name(), name);
            if (a.path() != null) {
                pathToInput.put(a.path(), name);
            }
        }
        ArrayNode outputs = spec.putArray("outputs");
        Map<String, String> outputOf = new LinkedHashMap<>();
        Map<String, String> pathToOutput = new LinkedHashMap<>();
        for (Workflow.OutputFile o : concat(t.outputParameters(), t.outputArtifacts())) {
            if (o.path() == null) {
                continue;
            }
            String existing = pathToOutput.get(o.path());
            if (existing != null) {
                outputOf.put(o.name(), existing);
                continue;
            }
            String name = o.name().startsWith(t.name() + "-") && o.name().length() > t.name().length() + 1
                    ? o.name().substring(t.name().length() + 1) : o.name();
            if (outputOf.containsValue(name)) {
                name = o.name();
            }
            outputs.addObject().put("name", name);
            outputOf.put(o.name(), name);
            pathToOutput.put(o.path(), name);
        }
        ObjectNode container = spec.putObject("implementation").putObject("container");
        container.put("image", t.container().image());
        Set<String> foundPaths = new LinkedHashSet<>();
        container.set("command", argv(t, t.container().command(), inputOfParam, pathToInput, pathToOutput, foundPaths));
        container.set("args", argv(t, t.container().args(), inputOfParam, pathToInput, pathToOutput, foundPaths));
        for (Map.Entry<String, String> e : pathToInput.entrySet()) {
            if (!foundPaths.contains(e.getKey())) {
                throw new SpecException(SpecError.ofFile(w.source(), t.where() + ".inputs.artifacts: input '"
                        + e.getValue() + "' is read at the fixed path " + e.getKey() + ", which the command never"
                        + " names, so Relay cannot hand it a file there"));
            }
        }
        ObjectNode fileOutputs = Json.MAPPER.createObjectNode();
        pathToOutput.forEach((path, name) -> {
            if (!foundPaths.contains(path)) {
                fileOutputs.put(name, path);
            }
        });
        if (!fileOutputs.isEmpty()) {
            container.set("fileOutputs", fileOutputs);
        }
        env(t, container);
        return new Comp(spec, inputOfParam, inputOfArtifact, outputOf, Map.of());
    }

    private ArrayNode argv(Workflow.Template t, List<String> strings, Map<String, String> inputOfParam,
                           Map<String, String> pathToInput, Map<String, String> pathToOutput, Set<String> found)
            throws SpecException {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (String s : strings) {
            List<JsonNode> parts = new ArrayList<>();
            for (Object part : ArgoString.parse(s)) {
                if (part instanceof ArgoString.Ref r) {
                    if (r instanceof ArgoString.Ref.Input in && !in.artifact() && inputOfParam.containsKey(in.name())) {
                        parts.add(Json.MAPPER.createObjectNode().put("inputValue", inputOfParam.get(in.name())));
                    } else {
                        throw new SpecException(SpecError.ofFile(w.source(), t.where() + ".container: the reference {{"
                                + r.text() + "}} in the command cannot be resolved on a host (only"
                                + " {{inputs.parameters.NAME}} of the template's own inputs)"));
                    }
                } else {
                    splitPaths((String) part, pathToInput, pathToOutput, parts, found);
                }
            }
            if (parts.size() == 1) {
                out.add(parts.get(0));
            } else if (parts.isEmpty()) {
                out.add("");
            } else {
                out.addObject().set("concat", Json.MAPPER.valueToTree(parts));
            }
        }
        return out;
    }

    /** Splits literal text around whole-path occurrences of the template's fixed input/output paths. */
    private static void splitPaths(String text, Map<String, String> pathToInput, Map<String, String> pathToOutput,
                                   List<JsonNode> parts, Set<String> found) {
        int from = 0;
        StringBuilder lit = new StringBuilder();
        outer:
        while (from < text.length()) {
            for (boolean input : new boolean[] {true, false}) {
                for (Map.Entry<String, String> e : (input ? pathToInput : pathToOutput).entrySet()) {
                    String p = e.getKey();
                    if (text.startsWith(p, from) && boundary(text, from - 1) && boundary(text, from + p.length())) {
                        if (!lit.isEmpty()) {
                            parts.add(Json.MAPPER.getNodeFactory().textNode(lit.toString()));
                            lit.setLength(0);
                        }
                        parts.add(Json.MAPPER.createObjectNode().put(input ? "inputPath" : "outputPath", e.getValue()));
                        found.add(p);
                        from += p.length();
                        continue outer;
                    }
                }
            }
            lit.append(text.charAt(from++));
        }
        if (!lit.isEmpty()) {
            parts.add(Json.MAPPER.getNodeFactory().textNode(lit.toString()));
        }
    }

    private static boolean boundary(String s, int i) {
        if (i < 0 || i >= s.length()) {
            return true;
        }
        char c = s.charAt(i);
        return !(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '/');
    }

    private static void env(Workflow.Template t, ObjectNode container) {
        if (t.container().env().isEmpty()) {
            container.remove("env");
            return;
        }
        ObjectNode env = container.putObject("env");
        for (Workflow.EnvVar e : t.container().env()) {
            // fieldRef values: "" here; a Kubernetes pod gets the real field (ArgoPodPatch), a host
            // process the ones ArgoPodFields.hostFieldValues can tell (pod name, uid, run id)
            env.put(e.name(), e.value() != null ? e.value() : "");
        }
    }

    // ------------------------------------------------------------------ arguments

    private Argument resolve(String value, Map<String, Argument> bindings, Map<String, Node> nodes, String at)
            throws SpecException {
        if (value == null) {
            throw new SpecException(SpecError.ofFile(w.source(), at + ": missing value"));
        }
        List<Object> parts = ArgoString.parse(value);
        if (parts.stream().noneMatch(ArgoString.Ref.class::isInstance)) {
            return new Argument.Constant(value);
        }
        if (parts.size() == 1) {
            return ref((ArgoString.Ref) parts.get(0), bindings, nodes, at);
        }
        StringBuilder b = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof ArgoString.Ref r) {
                Argument a = ref(r, bindings, nodes, at);
                if (!(a instanceof Argument.Constant c)) {
                    throw new SpecException(SpecError.ofFile(w.source(), at + ": '" + value + "' mixes text with {{"
                            + r.text() + "}}, whose value is known only at run time; this version of Relay passes such"
                            + " values whole only"));
                }
                b.append(c.value());
            } else {
                b.append((String) p);
            }
        }
        return new Argument.Constant(b.toString());
    }

    private Argument ref(ArgoString.Ref r, Map<String, Argument> bindings, Map<String, Node> nodes, String at)
            throws SpecException {
        if (r instanceof ArgoString.Ref.Input in) {
            Argument a = bindings.get(in.name());
            if (a == null) {
                throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}} names no input with a"
                        + " value"));
            }
            return a;
        }
        if (r instanceof ArgoString.Ref.WorkflowParameter p) {
            if (w.parameters().stream().noneMatch(x -> x.name().equals(p.name()))) {
                throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}}: the workflow has no"
                        + " parameter '" + p.name() + "'"));
            }
            usedGraphInputs.add(p.name());
            return new Argument.GraphInput(p.name());
        }
        if (r instanceof ArgoString.Ref.TaskOutput o) {
            Node n = nodes.get(o.task());
            if (n == null) {
                throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}}: no task '" + o.task()
                        + "' in this DAG"));
            }
            if (n instanceof Leaf l) {
                String out = l.comp().outputOf().get(o.output());
                if (out == null) {
                    throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}}: task '" + o.task()
                            + "' has no output '" + o.output() + "'"));
                }
                return new Argument.TaskOutput(l.id(), out);
            }
            Argument a = ((Group) n).outputs().get(o.output());
            if (a == null) {
                throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}}: group '" + o.task()
                        + "' has no output '" + o.output() + "'"));
            }
            return a;
        }
        if (r instanceof ArgoString.Ref.Item) {
            throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}} outside a loop"));
        }
        throw new SpecException(SpecError.ofFile(w.source(), at + ": {{" + r.text() + "}} is not supported"));
    }

    private static JsonNode json(Argument a) {
        if (a instanceof Argument.Constant c) {
            return Json.MAPPER.getNodeFactory().textNode(String.valueOf(c.value()));
        }
        if (a instanceof Argument.GraphInput g) {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.putObject("graphInput").put("inputName", g.inputName());
            return n;
        }
        Argument.TaskOutput t = (Argument.TaskOutput) a;
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.putObject("taskOutput").put("taskId", t.taskId()).put("outputName", t.outputName());
        return n;
    }

    // ------------------------------------------------------------------ helpers

    /** The DAG's tasks, each after the tasks it depends on or reads from (file order otherwise). */
    private List<Workflow.Task> order(Workflow.Template dag, Map<String, Workflow.Task> byName) throws SpecException {
        List<Workflow.Task> out = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (Workflow.Task t : dag.tasks()) {
            visit(t, byName, done, visiting, out);
        }
        return out;
    }

    private void visit(Workflow.Task t, Map<String, Workflow.Task> byName, Set<String> done, Set<String> visiting,
                       List<Workflow.Task> out) throws SpecException {
        if (done.contains(t.name())) {
            return;
        }
        if (!visiting.add(t.name())) {
            throw new SpecException(SpecError.ofFile(w.source(), t.path() + ": the DAG has a cycle through '" + t.name()
                    + "'"));
        }
        for (String d : dependencyNames(t, byName)) {
            visit(byName.get(d), byName, done, visiting, out);
        }
        visiting.remove(t.name());
        done.add(t.name());
        out.add(t);
    }

    /** {@code dependencies}, the names of a simple {@code depends}, and the tasks read from. */
    private Set<String> dependencyNames(Workflow.Task t, Map<String, Workflow.Task> byName) throws SpecException {
        Set<String> deps = new LinkedHashSet<>(t.dependencies());
        if (t.depends() != null) {
            for (String part : t.depends().split("&&")) {
                String p = part.strip();
                if (p.endsWith(".Succeeded")) {
                    p = p.substring(0, p.length() - ".Succeeded".length());
                }
                if (!p.matches("[A-Za-z0-9_.-]+") || p.contains(".")) {
                    throw refusal(List.of(t.path() + ".depends: '" + t.depends() + "' (only 'a && b' and"
                            + " 'a.Succeeded' forms) " + NEEDS_MODEL));
                }
                deps.add(p);
            }
        }
        List<String> texts = new ArrayList<>();
        t.parameters().forEach(p -> texts.add(p.value()));
        t.artifacts().forEach(a -> texts.add(a.from()));
        for (String s : texts) {
            for (ArgoString.Ref r : ArgoString.refs(s)) {
                if (r instanceof ArgoString.Ref.TaskOutput o) {
                    deps.add(o.task());
                }
            }
        }
        for (String d : deps) {
            if (!byName.containsKey(d)) {
                throw new SpecException(SpecError.ofFile(w.source(), t.path() + ": depends on '" + d + "', which is not"
                        + " a task of this DAG"));
            }
        }
        return deps;
    }

    private SpecException refusal(List<String> lines) {
        return new SpecException(lines.stream().map(l -> SpecError.ofFile(w.source(), l)).toList());
    }

    private static List<Workflow.OutputFile> concat(List<Workflow.OutputFile> a, List<Workflow.OutputFile> b) {
        List<Workflow.OutputFile> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** KFP 1.8's {@code _sanitize_file_name}: runs of characters outside {@code [-_.0-9a-zA-Z]} become {@code _}. */
    static String sanitizeFileName(String name) {
        return name.replaceAll("[^-_.0-9a-zA-Z]+", "_");
    }
}
