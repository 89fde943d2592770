package dev.relay.runner.pipeline;

import dev.relay.eventing.input.SafeJson;
import dev.relay.eventing.input.SafeYaml;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.DagOutput;
import dev.relay.runner.engine.model.DagSpec;
import dev.relay.runner.engine.model.InputSource;
import dev.relay.runner.engine.model.LoopSpec;
import dev.relay.runner.engine.model.ModelException;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.engine.model.RetryPolicy;
import dev.relay.runner.engine.model.TaskNode;
import dev.relay.runner.executor.ParameterType;
import dev.relay.runner.executor.ParameterTypeException;
import dev.relay.runner.spec.Names;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a KFP v2 PipelineSpec ("IR", {@code pipeline_spec.proto} as the KFP SDK 2.x compiler writes
 * it) into a {@link PipelineModel}: YAML (one document, or two with the {@code platforms:} spec
 * that {@code kfp-kubernetes} adds), JSON, or a {@code PipelineJob} JSON wrapping it in
 * {@code pipelineSpec}. A compiled single component is a pipeline with one task and reads the same.
 * Executors and component I/O are kept as written for the executor side ({@link Pipeline}).
 */
public final class IrReader {
    private static final YAMLMapper YAML = new YAMLMapper(com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
            .loaderOptions(SafeYaml.options()).streamReadConstraints(SafeJson.constraints()).build()); // Relay's limits
    private static final ObjectMapper JSON = SafeJson.mapper();
    private static final String ROOT = "root";
    private static final Set<String> TASK_KEYS = Set.of("taskInfo", "componentRef", "inputs", "dependentTasks",
            "triggerPolicy", "parameterIterator", "artifactIterator", "iteratorPolicy", "retryPolicy",
            "cachingOptions");

    private final String file;
    private final Map<String, Component> components = new LinkedHashMap<>();
    private final Set<String> building = new HashSet<>();
    private JsonNode componentsNode;
    private JsonNode executorsNode;

    private IrReader(String file) {
        this.file = file;
    }

    /**
     * @return whether {@code text} looks like IR: a mapping (first YAML document or JSON object)
     *         with {@code root} and {@code components}/{@code deploymentSpec}, or a {@code pipelineSpec} wrapper
     */
    public static boolean looksLikeIr(String text) {
        try {
            List<JsonNode> docs = documents(text);
            if (docs.isEmpty()) {
                return false;
            }
            JsonNode d = unwrap(docs.get(0));
            return d.isObject() && d.has(ROOT) && (d.has("components") || d.has("deploymentSpec") || d.has("pipelineInfo"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Reads IR text.
     *
     * @param text the file's content
     * @param file the name used in error messages
     * @throws ModelException naming the file and the field when the text is not a pipeline this reader understands
     */
    public static Pipeline read(String text, String file) throws ModelException {
        List<JsonNode> docs;
        try {
            docs = documents(text);
        } catch (IOException e) {
            throw new ModelException(file + ": not YAML or JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (docs.isEmpty() || !docs.get(0).isObject()) {
            throw new ModelException(file + ": expected a PipelineSpec mapping with 'root' and 'components'");
        }
        JsonNode spec = unwrap(docs.get(0));
        JsonNode platforms = null;
        for (int i = 1; i < docs.size(); i++) {
            JsonNode d = docs.get(i);
            if (d.isObject() && d.has("platforms")) {
                platforms = d.get("platforms");
            } else if (d != null && !d.isNull() && !d.isMissingNode()) {
                throw new ModelException(file + ": document " + (i + 1) + " is not a platform spec (expected 'platforms:')");
            }
        }
        if (spec.has("platforms") && platforms == null) {
            platforms = spec.get("platforms");
        }
        return new Pipeline(new IrReader(file).build(spec), spec, platforms, null, Map.of());
    }

    private static JsonNode unwrap(JsonNode d) {
        if (d != null && d.isObject() && d.has("pipelineSpec") && !d.has(ROOT)) {
            return d.get("pipelineSpec");
        }
        return d;
    }

    private static List<JsonNode> documents(String text) throws IOException {
        String t = text.stripLeading();
        List<JsonNode> out = new ArrayList<>();
        if (t.startsWith("{")) {
            out.add(JSON.readTree(t));
            return out;
        }
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    private PipelineModel build(JsonNode spec) throws ModelException {
        JsonNode root = spec.get(ROOT);
        if (root == null || !root.isObject()) {
            throw new ModelException(file + ": root: missing; expected the pipeline's root DAG");
        }
        componentsNode = spec.path("components");
        executorsNode = spec.path("deploymentSpec").path("executors");
        if (!root.has("dag")) {
            throw new ModelException(file + ": root.dag: missing; expected the pipeline's tasks");
        }
        Component rootComponent = component(ROOT, root, "root");
        Iterator<String> names = componentsNode.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!components.containsKey(n)) {
                component(n, componentsNode.get(n), "components." + n);
            }
        }
        String name = spec.path("pipelineInfo").path("name").asText(null);
        if (name == null || name.isBlank()) {
            name = "pipeline";
        }
        String pipelineRoot = spec.path("defaultPipelineRoot").asText(null);
        return new PipelineModel(name, PipelineModel.FORMAT_IR, rootComponent, components, pipelineRoot);
    }

    private Component component(String key, JsonNode node, String where) throws ModelException {
        Component done = components.get(key);
        if (done != null) {
            return done;
        }
        if (!building.add(key)) {
            throw new ModelException(file + ": " + where + ": component '" + key + "' contains itself");
        }
        if (node == null || !node.isObject()) {
            throw new ModelException(file + ": " + where + ": expected a component mapping");
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        JsonNode params = node.path("inputDefinitions").path("parameters");
        params.fields().forEachRemaining(e -> {
            JsonNode dv = e.getValue().get("defaultValue");
            if (dv != null) {
                defaults.put(e.getKey(), JsonValues.toValue(dv));
            }
        });
        Component c;
        if (node.has("dag")) {
            DagSpec dag = dag(node.get("dag"), where + ".dag");
            c = new Component(key, dag, defaults, null);
        } else {
            String label = node.path("executorLabel").asText(null);
            if (label == null) {
                throw new ModelException(file + ": " + where + ": expected 'dag' or 'executorLabel'");
            }
            JsonNode exec = executorsNode.get(label);
            if (exec == null) {
                throw new ModelException(file + ": " + where + ".executorLabel: no executor '" + label
                        + "' in deploymentSpec.executors");
            }
            if (!exec.has("container") && !exec.has("importer")) {
                throw new ModelException(file + ": deploymentSpec.executors." + label
                        + ": only 'container' and 'importer' executors run here (found "
                        + String.join(", ", iterable(exec.fieldNames())) + ")");
            }
            c = new Component(key, null, defaults, label);
        }
        building.remove(key);
        components.put(key, c);
        return c;
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    private DagSpec dag(JsonNode dag, String where) throws ModelException {
        Map<String, TaskNode> tasks = new LinkedHashMap<>();
        JsonNode tn = dag.path("tasks");
        Iterator<Map.Entry<String, JsonNode>> it = tn.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            tasks.put(e.getKey(), task(e.getKey(), e.getValue(), where + ".tasks." + e.getKey()));
        }
        Map<String, DagOutput> paramOut = new LinkedHashMap<>();
        Map<String, DagOutput> artOut = new LinkedHashMap<>();
        JsonNode outs = dag.path("outputs");
        for (Map.Entry<String, JsonNode> e : iterFields(outs.path("parameters"))) {
            String w = where + ".outputs.parameters." + e.getKey();
            JsonNode v = e.getValue();
            List<DagOutput.Selector> sel = new ArrayList<>();
            if (v.has("valueFromParameter")) {
                sel.add(paramSelector(v.get("valueFromParameter"), w + ".valueFromParameter"));
            } else if (v.has("valueFromOneof")) {
                for (JsonNode s : v.get("valueFromOneof").path("parameterSelectors")) {
                    sel.add(paramSelector(s, w + ".valueFromOneof.parameterSelectors"));
                }
            }
            if (sel.isEmpty()) {
                throw new ModelException(file + ": " + w + ": expected valueFromParameter or valueFromOneof");
            }
            paramOut.put(e.getKey(), new DagOutput(sel));
        }
        for (Map.Entry<String, JsonNode> e : iterFields(outs.path("artifacts"))) {
            String w = where + ".outputs.artifacts." + e.getKey();
            List<DagOutput.Selector> sel = new ArrayList<>();
            for (JsonNode s : e.getValue().path("artifactSelectors")) {
                String task = text(s, "producerSubtask", w + ".artifactSelectors");
                sel.add(new DagOutput.Selector(task, text(s, "outputArtifactKey", w + ".artifactSelectors")));
            }
            if (sel.isEmpty()) {
                throw new ModelException(file + ": " + w + ": expected artifactSelectors");
            }
            artOut.put(e.getKey(), new DagOutput(sel));
        }
        try {
            return new DagSpec(tasks, paramOut, artOut);
        } catch (ModelException e) {
            throw new ModelException(file + ": " + where + ": " + e.getMessage());
        }
    }

    private DagOutput.Selector paramSelector(JsonNode s, String where) throws ModelException {
        return new DagOutput.Selector(text(s, "producerSubtask", where), text(s, "outputParameterKey", where));
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterFields(JsonNode n) {
        List<Map.Entry<String, JsonNode>> l = new ArrayList<>();
        n.fields().forEachRemaining(l::add);
        return l;
    }

    private String text(JsonNode n, String field, String where) throws ModelException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            throw new ModelException(file + ": " + where + "." + field + ": missing; expected a name");
        }
        return v.textValue();
    }

    private TaskNode task(String key, JsonNode t, String where) throws ModelException {
        if (!t.isObject()) {
            throw new ModelException(file + ": " + where + ": expected a task mapping");
        }
        for (String f : iterable(t.fieldNames())) {
            if (!TASK_KEYS.contains(f)) {
                throw new ModelException(file + ": " + where + "." + f + ": unknown task field; expected one of "
                        + new java.util.TreeSet<>(TASK_KEYS));
            }
        }
        String compName = text(t.path("componentRef"), "name", where + ".componentRef");
        JsonNode compNode = componentsNode.get(compName);
        if (compNode == null) {
            throw new ModelException(file + ": " + where + ".componentRef.name: no component '" + compName + "'");
        }
        component(compName, compNode, "components." + compName);
        Map<String, InputSource> inputs = new LinkedHashMap<>();
        Set<String> deps = new LinkedHashSet<>();
        for (JsonNode d : t.path("dependentTasks")) {
            deps.add(d.asText());
        }
        for (Map.Entry<String, JsonNode> e : iterFields(t.path("inputs").path("parameters"))) {
            String w = where + ".inputs.parameters." + e.getKey();
            InputSource s = parameter(e.getValue(), w);
            if (s instanceof InputSource.Constant c) {
                checkConstant(compName, compNode, e.getKey(), c.value(), w + ".runtimeValue");
            }
            inputs.put(e.getKey(), s);
        }
        for (Map.Entry<String, JsonNode> e : iterFields(t.path("inputs").path("artifacts"))) {
            inputs.put(e.getKey(), artifact(e.getValue(), where + ".inputs.artifacts." + e.getKey()));
        }
        for (InputSource s : inputs.values()) {
            if (s.producer() != null) {
                deps.add(s.producer());
            }
        }
        JsonNode trigger = t.path("triggerPolicy");
        String condition = trigger.path("condition").asText(null);
        if (condition != null && condition.isBlank()) {
            condition = null;
        }
        String strategy = trigger.path("strategy").asText("ALL_UPSTREAM_TASKS_SUCCEEDED");
        if (!strategy.equals("ALL_UPSTREAM_TASKS_SUCCEEDED") && !strategy.equals("ALL_UPSTREAM_TASKS_COMPLETED")
                && !strategy.equals("TRIGGER_STRATEGY_UNSPECIFIED")) {
            throw new ModelException(file + ": " + where + ".triggerPolicy.strategy: '" + strategy
                    + "'; expected ALL_UPSTREAM_TASKS_SUCCEEDED or ALL_UPSTREAM_TASKS_COMPLETED");
        }
        LoopSpec loop = loop(t, where, inputs);
        return new TaskNode(key, Names.dnsLabel(key), t.path("taskInfo").path("name").asText(key), compName, deps, inputs, condition,
                strategy.equals("ALL_UPSTREAM_TASKS_COMPLETED"), loop, retry(t.path("retryPolicy"), where),
                t.path("cachingOptions").path("enableCache").asBoolean(false));
    }

    private LoopSpec loop(JsonNode t, String where, Map<String, InputSource> inputs) throws ModelException {
        boolean art = t.has("artifactIterator");
        JsonNode it = art ? t.get("artifactIterator") : t.get("parameterIterator");
        if (it == null) {
            return null;
        }
        String w = where + (art ? ".artifactIterator" : ".parameterIterator");
        String item = text(it, "itemInput", w);
        JsonNode items = it.path("items");
        int limit = t.path("iteratorPolicy").path("parallelismLimit").asInt(0);
        if (limit < 0) {
            throw new ModelException(file + ": " + where + ".iteratorPolicy.parallelismLimit: " + limit + "; expected >= 0");
        }
        String input = items.path(art ? "inputArtifact" : "inputParameter").asText(null);
        if (input != null) {
            if (!inputs.containsKey(input)) {
                throw new ModelException(file + ": " + w + ".items: the loop task has no input '" + input + "'");
            }
            return new LoopSpec(art, item, null, input, limit);
        }
        JsonNode raw = items.get("raw");
        if (raw == null || art) {
            throw new ModelException(file + ": " + w + ".items: expected " + (art ? "inputArtifact" : "raw or inputParameter"));
        }
        JsonNode list = raw;
        if (raw.isTextual()) {
            try {
                list = JSON.readTree(raw.textValue());
            } catch (JsonProcessingException e) {
                throw new ModelException(file + ": " + w + ".items.raw: not a JSON list: " + raw.textValue());
            }
        }
        if (!list.isArray()) {
            throw new ModelException(file + ": " + w + ".items.raw: expected a JSON list, got " + raw);
        }
        @SuppressWarnings("unchecked")
        java.util.List<Object> values = (java.util.List<Object>) JsonValues.toValue(list);
        return new LoopSpec(false, item, values, null, limit);
    }

    private RetryPolicy retry(JsonNode r, String where) throws ModelException {
        if (r.isMissingNode() || r.isNull()) {
            return RetryPolicy.NONE;
        }
        String w = where + ".retryPolicy";
        int count = r.path("maxRetryCount").asInt(0);
        try {
            return new RetryPolicy(count, duration(r.get("backoffDuration"), Duration.ZERO, w + ".backoffDuration"),
                    r.path("backoffFactor").asDouble(2.0) == 0 ? 2.0 : r.path("backoffFactor").asDouble(2.0),
                    duration(r.get("backoffMaxDuration"), Duration.ofHours(1), w + ".backoffMaxDuration"));
        } catch (IllegalArgumentException e) {
            throw new ModelException(file + ": " + w + ": " + e.getMessage());
        }
    }

    /** A protobuf JSON Duration ({@code "3600s"}, {@code "1.5s"}); {@code dflt} when absent. */
    private Duration duration(JsonNode n, Duration dflt, String where) throws ModelException {
        if (n == null || n.isNull()) {
            return dflt;
        }
        String s = n.asText().trim();
        try {
            BigDecimal seconds = new BigDecimal(s.endsWith("s") ? s.substring(0, s.length() - 1) : s);
            return Duration.ofMillis(seconds.movePointRight(3).longValueExact());
        } catch (ArithmeticException | NumberFormatException e) {
            throw new ModelException(file + ": " + where + ": '" + s + "'; expected a duration such as 30s");
        }
    }

    private InputSource parameter(JsonNode p, String where) throws ModelException {
        InputSource s;
        if (p.has("componentInputParameter")) {
            s = new InputSource.DagInput(p.get("componentInputParameter").asText());
        } else if (p.has("taskOutputParameter")) {
            JsonNode o = p.get("taskOutputParameter");
            s = new InputSource.TaskOutput(text(o, "producerTask", where + ".taskOutputParameter"),
                    text(o, "outputParameterKey", where + ".taskOutputParameter"));
        } else if (p.has("runtimeValue")) {
            s = new InputSource.Constant(constant(p.get("runtimeValue"), where + ".runtimeValue"));
        } else if (p.has("taskFinalStatus")) {
            s = new InputSource.FinalStatus(text(p.get("taskFinalStatus"), "producerTask", where + ".taskFinalStatus"));
        } else {
            throw new ModelException(file + ": " + where + ": expected componentInputParameter, taskOutputParameter,"
                    + " runtimeValue or taskFinalStatus");
        }
        String sel = p.path("parameterExpressionSelector").asText("");
        return sel.isEmpty() ? s : new InputSource.Selected(s, sel);
    }

    /**
     * A constant given to a task's input must read as the type the component declares for it (as the
     * KFP compiler checks, which a hand-written or edited IR skips): the check {@code relay validate}
     * and {@code relay run} make before anything launches, nested pipelines' inputs included.
     */
    private void checkConstant(String compName, JsonNode compNode, String input, Object value, String where)
            throws ModelException {
        JsonNode def = compNode.path("inputDefinitions").path("parameters").get(input);
        if (def == null || value == null) {
            return;
        }
        ParameterType type;
        try {
            type = ParameterType.of(def.path("parameterType").asText(null));
        } catch (ParameterTypeException e) {
            return; // reported with the component's own definitions
        }
        try {
            type.coerce(JSON.valueToTree(value));
        } catch (ParameterTypeException e) {
            throw new ModelException(file + ": " + where + ": " + e.getMessage() + " (input '" + input
                    + "' of " + compName + ")");
        }
    }

    private Object constant(JsonNode rv, String where) throws ModelException {
        if (rv.has("constant")) {
            return JsonValues.toValue(rv.get("constant"));
        }
        JsonNode cv = rv.get("constantValue"); // schema 2.0.0
        if (cv != null) {
            if (cv.has("stringValue")) {
                return cv.get("stringValue").asText();
            }
            if (cv.has("intValue")) {
                return cv.get("intValue").asLong();
            }
            if (cv.has("doubleValue")) {
                return cv.get("doubleValue").asDouble();
            }
            if (cv.has("boolValue")) {
                return cv.get("boolValue").asBoolean();
            }
        }
        throw new ModelException(file + ": " + where + ": expected constant");
    }

    private InputSource artifact(JsonNode a, String where) throws ModelException {
        if (a.has("componentInputArtifact")) {
            return new InputSource.DagInput(a.get("componentInputArtifact").asText());
        }
        if (a.has("taskOutputArtifact")) {
            JsonNode o = a.get("taskOutputArtifact");
            return new InputSource.TaskOutput(text(o, "producerTask", where + ".taskOutputArtifact"),
                    text(o, "outputArtifactKey", where + ".taskOutputArtifact"));
        }
        throw new ModelException(file + ": " + where + ": expected componentInputArtifact or taskOutputArtifact");
    }
}
