package dev.relay.runner.argo;

import dev.relay.eventing.input.InputLimitException;
import dev.relay.eventing.input.SafeYaml;
import org.yaml.snakeyaml.resolver.Resolver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads an Argo {@code Workflow} as KFP 1.8 writes it into a typed {@link Workflow}: the
 * entrypoint, the pipeline's parameters with defaults, and every template (container, script,
 * dag, steps, resource) with its inputs, outputs and KFP annotations. Errors name the field
 * ({@code spec.templates[2](flip).dag.tasks[0].template}) and what was expected; all that can be
 * found are collected before throwing.
 */
public final class WorkflowReader {
    private static final String COMPONENT_SPEC = "pipelines.kubeflow.org/component_spec";
    private static final String ARGUMENTS_PARAMETERS = "pipelines.kubeflow.org/arguments.parameters";
    private static final String PIPELINE_SPEC = "pipelines.kubeflow.org/pipeline_spec";

    private final String file;
    private final List<SpecError> errors = new ArrayList<>();

    private WorkflowReader(String file) {
        this.file = file;
    }

    /**
     * Reads a package's workflow.
     *
     * @throws SpecException with every problem found (invalid YAML with its line and column; a
     *     document that is not an Argo Workflow; missing entrypoint or templates; a task naming an
     *     unknown template)
     */
    public static Workflow read(ArgoPackage pkg) throws SpecException {
        return new WorkflowReader(pkg.name()).parse(pkg.yaml());
    }

    private Workflow parse(String text) throws SpecException {
        Object loaded;
        try {
            LoaderOptions o = SafeYaml.options(); // Relay's size, alias and depth limits
            o.setCodePointLimit(Math.min(o.getCodePointLimit(), ArgoPackage.MAX_YAML_BYTES));
            o.setAllowDuplicateKeys(true);
            loaded = SafeYaml.load(text, o, new Resolver());
        } catch (MarkedYAMLException e) {
            var m = e.getProblemMark();
            throw new SpecException(m == null ? SpecError.ofFile(file, "invalid YAML: " + e.getProblem())
                    : new SpecError(file, m.getLine() + 1, m.getColumn() + 1, "invalid YAML: " + e.getProblem()));
        } catch (InputLimitException e) {
            throw new SpecException(new SpecError(file, Math.max(1, e.line()), Math.max(1, e.column()), e.getMessage()));
        } catch (YAMLException e) {
            throw new SpecException(SpecError.ofFile(file, "invalid YAML: " + e.getMessage()));
        }
        if (!(loaded instanceof Map)) {
            throw new SpecException(SpecError.ofFile(file, "expected an Argo Workflow (a mapping with apiVersion,"
                    + " kind, metadata, spec)"));
        }
        JsonNode root = Json.MAPPER.valueToTree(loaded);
        String api = text(root, "apiVersion");
        String kind = text(root, "kind");
        if (api == null || !api.startsWith("argoproj.io/") || !"Workflow".equals(kind)) {
            throw new SpecException(SpecError.ofFile(file, "expected apiVersion argoproj.io/v1alpha1 and kind"
                    + " Workflow (a KFP 1.x compiled pipeline); found apiVersion " + api + ", kind " + kind));
        }
        JsonNode meta = root.path("metadata");
        String name = text(meta, "name");
        if (name == null) {
            name = text(meta, "generateName");
            if (name != null && name.endsWith("-")) {
                name = name.substring(0, name.length() - 1);
            }
        }
        JsonNode pipelineSpec = jsonAnnotation(meta.path("annotations"), PIPELINE_SPEC, "metadata.annotations");
        if (name == null && pipelineSpec != null) {
            name = text(pipelineSpec, "name");
        }
        JsonNode spec = root.path("spec");
        if (!spec.isObject()) {
            throw new SpecException(SpecError.ofFile(file, "spec: expected the workflow's spec (a mapping)"));
        }
        String entrypoint = text(spec, "entrypoint");
        if (entrypoint == null) {
            error("spec.entrypoint: missing; expected the name of the template the workflow starts with");
        }
        List<Workflow.Parameter> params = parameters(spec.path("arguments").path("parameters"), "spec.arguments.parameters");
        Map<String, Workflow.Template> templates = new LinkedHashMap<>();
        JsonNode ts = spec.path("templates");
        if (!ts.isArray() || ts.isEmpty()) {
            error("spec.templates: missing or empty; expected a list of templates");
        } else {
            for (int i = 0; i < ts.size(); i++) {
                Workflow.Template t = template(ts.get(i), "spec.templates[" + i + "]");
                if (t != null && templates.putIfAbsent(t.name(), t) != null) {
                    error(t.where() + ".name: template '" + t.name() + "' is defined twice");
                }
            }
        }
        String onExit = text(spec, "onExit");
        if (entrypoint != null && !templates.isEmpty() && !templates.containsKey(entrypoint)) {
            error("spec.entrypoint: no template named '" + entrypoint + "'");
        }
        if (onExit != null && !templates.containsKey(onExit)) {
            error("spec.onExit: no template named '" + onExit + "'");
        }
        for (Workflow.Template t : templates.values()) {
            for (Workflow.Task task : t.tasks()) {
                if (task.template() == null) {
                    error(task.path() + ".template: missing; expected a template name (templateRef is not supported)");
                } else if (!templates.containsKey(task.template())) {
                    error(task.path() + ".template: no template named '" + task.template() + "'");
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        return new Workflow(file, name == null ? "pipeline" : name, entrypoint, params, pipelineSpec, templates,
                onExit, longOrNull(spec, "activeDeadlineSeconds", "spec"), intOrNull(spec, "parallelism", "spec"), spec);
    }

    private Workflow.Template template(JsonNode t, String path) {
        String name = text(t, "name");
        if (name == null) {
            error(path + ".name: missing; every template needs a name");
            return null;
        }
        String where = path + "(" + name + ")";
        Workflow.Kind kind;
        if (t.has("container")) {
            kind = Workflow.Kind.CONTAINER;
        } else if (t.has("script")) {
            kind = Workflow.Kind.SCRIPT;
        } else if (t.has("dag")) {
            kind = Workflow.Kind.DAG;
        } else if (t.has("steps")) {
            kind = Workflow.Kind.STEPS;
        } else if (t.has("resource")) {
            kind = Workflow.Kind.RESOURCE;
        } else if (t.has("suspend")) {
            kind = Workflow.Kind.SUSPEND;
        } else {
            kind = Workflow.Kind.OTHER;
        }
        Workflow.Container container = null;
        if (kind == Workflow.Kind.CONTAINER || kind == Workflow.Kind.SCRIPT) {
            JsonNode c = t.path(kind == Workflow.Kind.CONTAINER ? "container" : "script");
            String cw = where + "." + (kind == Workflow.Kind.CONTAINER ? "container" : "script");
            List<String> command = strings(c.path("command"), cw + ".command");
            List<String> args = strings(c.path("args"), cw + ".args");
            if (kind == Workflow.Kind.SCRIPT && c.hasNonNull("source")) {
                // Argo writes the script to a file and appends its path to the command
                args = new ArrayList<>(args);
                args.add(0, c.get("source").asText());
            }
            List<Workflow.EnvVar> env = new ArrayList<>();
            JsonNode envs = c.path("env");
            for (int i = 0; i < envs.size(); i++) {
                JsonNode e = envs.get(i);
                String fieldRef = text(e.path("valueFrom").path("fieldRef"), "fieldPath");
                env.add(new Workflow.EnvVar(text(e, "name"), text(e, "value"), fieldRef));
            }
            if (text(c, "image") == null || text(c, "image").isBlank()) {
                error(cw + ".image: expected the container image (a string)");
            }
            container = new Workflow.Container(text(c, "image"), command, args, env);
        }
        JsonNode inputs = t.path("inputs");
        List<Workflow.Parameter> inParams = parameters(inputs.path("parameters"), where + ".inputs.parameters");
        List<Workflow.ArtifactIn> inArts = new ArrayList<>();
        JsonNode ias = inputs.path("artifacts");
        for (int i = 0; i < ias.size(); i++) {
            JsonNode a = ias.get(i);
            inArts.add(new Workflow.ArtifactIn(text(a, "name"), text(a, "path"), text(a.path("raw"), "data")));
        }
        JsonNode outputs = t.path("outputs");
        List<Workflow.OutputFile> outParams = new ArrayList<>();
        JsonNode ops = outputs.path("parameters");
        for (int i = 0; i < ops.size(); i++) {
            JsonNode p = ops.get(i);
            outParams.add(new Workflow.OutputFile(text(p, "name"), text(p.path("valueFrom"), "path"),
                    text(p.path("valueFrom"), "parameter")));
        }
        List<Workflow.OutputFile> outArts = new ArrayList<>();
        JsonNode oas = outputs.path("artifacts");
        for (int i = 0; i < oas.size(); i++) {
            JsonNode a = oas.get(i);
            outArts.add(new Workflow.OutputFile(text(a, "name"), text(a, "path"), text(a, "from")));
        }
        JsonNode annotations = t.path("metadata").path("annotations");
        JsonNode componentSpec = jsonAnnotation(annotations, COMPONENT_SPEC, where + ".metadata.annotations");
        Map<String, String> argParams = new LinkedHashMap<>();
        JsonNode ap = jsonAnnotation(annotations, ARGUMENTS_PARAMETERS, where + ".metadata.annotations");
        if (ap != null && ap.isObject()) {
            ap.fields().forEachRemaining(e -> argParams.put(e.getKey(), e.getValue().asText()));
        }
        List<Workflow.Task> tasks = new ArrayList<>();
        if (kind == Workflow.Kind.DAG) {
            JsonNode dts = t.path("dag").path("tasks");
            for (int i = 0; i < dts.size(); i++) {
                tasks.add(task(dts.get(i), where + ".dag.tasks[" + i + "]", null));
            }
        } else if (kind == Workflow.Kind.STEPS) {
            List<String> previous = List.of();
            JsonNode groups = t.path("steps");
            for (int g = 0; g < groups.size(); g++) {
                List<String> names = new ArrayList<>();
                JsonNode group = groups.get(g);
                for (int i = 0; i < group.size(); i++) {
                    Workflow.Task s = task(group.get(i), where + ".steps[" + g + "][" + i + "]", previous);
                    tasks.add(s);
                    names.add(s.name());
                }
                previous = names;
            }
        }
        JsonNode retry = t.path("retryStrategy");
        Integer retryLimit = retry.isMissingNode() ? null : intOrNull(retry, "limit", where + ".retryStrategy");
        return new Workflow.Template(name, kind, container, inParams, inArts, outParams, outArts, componentSpec,
                argParams, tasks, retryLimit, longOrNull(t, "activeDeadlineSeconds", where),
                intOrNull(t, "parallelism", where), path, t);
    }

    private Workflow.Task task(JsonNode t, String path, List<String> previousStep) {
        String name = text(t, "name");
        if (name == null) {
            error(path + ".name: missing; every task needs a name");
            name = "?";
        }
        List<String> deps = previousStep != null ? previousStep : strings(t.path("dependencies"), path + ".dependencies");
        JsonNode args = t.path("arguments");
        List<Workflow.ArtifactArg> arts = new ArrayList<>();
        JsonNode as = args.path("artifacts");
        for (int i = 0; i < as.size(); i++) {
            JsonNode a = as.get(i);
            arts.add(new Workflow.ArtifactArg(text(a, "name"), text(a, "from"), text(a.path("raw"), "data")));
        }
        JsonNode withItems = t.get("withItems");
        if (withItems != null && !withItems.isArray()) {
            error(path + ".withItems: expected a list");
        }
        return new Workflow.Task(name, text(t, "template"), deps, text(t, "depends"), text(t, "when"),
                withItems instanceof NullNode ? null : withItems, text(t, "withParam"),
                parameters(args.path("parameters"), path + ".arguments.parameters"), arts, path);
    }

    private List<Workflow.Parameter> parameters(JsonNode list, String path) {
        List<Workflow.Parameter> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            error(path + ": expected a list of {name, value}");
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            String n = text(p, "name");
            if (n == null) {
                error(path + "[" + i + "].name: missing");
                continue;
            }
            out.add(new Workflow.Parameter(n, text(p, "value")));
        }
        return out;
    }

    private List<String> strings(JsonNode list, String path) {
        List<String> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            error(path + ": expected a list of strings");
            return out;
        }
        for (JsonNode n : list) {
            out.add(scalar(n));
        }
        return out;
    }

    private JsonNode jsonAnnotation(JsonNode annotations, String key, String path) {
        JsonNode v = annotations.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(v.asText());
        } catch (Exception e) {
            error(path + "." + key + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            return null;
        }
    }

    private Long longOrNull(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.canConvertToLong() || v.asText().matches("\\d+")) {
            return v.canConvertToLong() && v.isNumber() ? v.asLong() : Long.parseLong(v.asText());
        }
        error(path + "." + field + ": expected a whole number of seconds, got '" + v.asText() + "'");
        return null;
    }

    private Integer intOrNull(JsonNode n, String field, String path) {
        Long l = longOrNull(n, field, path);
        return l == null ? null : (int) Math.min(Integer.MAX_VALUE, l);
    }

    /** A scalar as Argo reads it: strings as they are, numbers and booleans in their YAML spelling. */
    static String scalar(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isContainerNode()) {
            return n.toString();
        }
        return n.asText();
    }

    private static String text(JsonNode n, String field) {
        return scalar(n.get(field));
    }

    private void error(String message) {
        errors.add(SpecError.ofFile(file, message));
    }
}
