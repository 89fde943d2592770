package dev.relay.runner.executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * KFP v2 placeholders in a container's command, args and env: the JSON placeholders
 * {@code {"Concat": [...]}} and {@code {"IfPresent": {"InputName", "Then", "Else"}}} (an element
 * that is the placeholder's JSON text; {@code Then}/{@code Else} may be a string, a list or a nested
 * placeholder), then in every string {@code {{$}}}, {@code {{$.inputs.parameters['x']}}},
 * {@code {{$.inputs.artifacts['x'].uri|path|metadata}}}, {@code {{$.outputs.parameters['x'].output_file}}},
 * {@code {{$.outputs.artifacts['x'].uri|path|metadata}}}, {@code {{$.outputs.output_file}}},
 * {@code {{$.pipeline_job_name}}}, {@code {{$.pipeline_job_uuid}}}, {@code {{$.pipeline_task_name}}},
 * {@code {{$.pipeline_task_uuid}}} and {@code {{$.pipeline_root}}} — as the SDK's
 * {@code kfp.local.placeholder_utils} and the launcher's {@code getPlaceholders} resolve them, with a
 * parameter's text as the launcher writes it ({@link ParameterType#text}). One pass per string: a
 * value that itself contains {@code {{$…}}} is not resolved again.
 */
final class V2Placeholders {
    private V2Placeholders() {}

    /** What placeholders resolve against. {@code input} is the executor input built so far. */
    record Context(TaskIdentity id, String pipelineRoot, ObjectNode input, String inputJson, ExecutorLayout layout) {
        Context withInput(ObjectNode in) {
            try {
                return new Context(id, pipelineRoot, in, Json.MAPPER.writeValueAsString(in), layout);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Resolves a list of command/args elements; struct placeholders may add or drop elements. */
    static List<String> resolveAll(List<String> elements, Context ctx, String where) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            String el = elements.get(i);
            String w = where + "[" + i + "]";
            String t = el.stripLeading();
            if (t.startsWith("{\"Concat\"") || t.startsWith("{\"IfPresent\"")) {
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(el);
                } catch (JsonProcessingException e) {
                    throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, w + ": not a valid JSON placeholder: " + e.getOriginalMessage());
                }
                for (String s : struct(n, ctx, w)) {
                    out.add(resolve(s, ctx, w));
                }
            } else {
                out.add(resolve(el, ctx, w));
            }
        }
        return out;
    }

    /** @return the strings a struct placeholder stands for (none for an absent IfPresent without Else) */
    private static List<String> struct(JsonNode n, Context ctx, String where) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isTextual()) {
            out.add(n.asText());
            return out;
        }
        if (n.isArray()) {
            for (JsonNode e : n) {
                out.addAll(struct(e, ctx, where));
            }
            return out;
        }
        if (n.has("Concat")) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode e : n.get("Concat")) {
                for (String s : struct(e, ctx, where)) {
                    sb.append(s);
                }
            }
            out.add(sb.toString());
            return out;
        }
        if (n.has("IfPresent")) {
            JsonNode ip = n.get("IfPresent");
            String name = ip.path("InputName").asText();
            return struct(provided(ctx.input(), name) ? ip.get("Then") : ip.get("Else"), ctx, where);
        }
        throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, where + ": unknown placeholder " + n
                + " (expected Concat or IfPresent)");
    }

    private static boolean provided(ObjectNode input, String name) {
        JsonNode p = input.path("inputs").path("parameterValues").get(name);
        if (p != null && !p.isNull()) {
            return true;
        }
        return input.path("inputs").path("artifacts").has(name);
    }

    /**
     * Resolves every {@code {{$…}}} in one string.
     *
     * @param where names the element in messages ({@code args[3]})
     * @throws ExecutorException {@code LaunchFailed} for an unknown placeholder or one naming an input
     *     or output the component does not have (or that has no value)
     */
    static String resolve(String s, Context ctx, String where) {
        int at = s.indexOf("{{$");
        if (at < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        int from = 0;
        while (at >= 0) {
            int end = s.indexOf("}}", at);
            if (end < 0) {
                break;
            }
            // a key may contain "}}" only inside ['…']: extend past the closing bracket
            int bracket = s.indexOf("['", at);
            if (bracket >= 0 && bracket < end) {
                int close = s.indexOf("']", bracket + 2);
                if (close > 0) {
                    end = s.indexOf("}}", close);
                    if (end < 0) {
                        break;
                    }
                }
            }
            sb.append(s, from, at);
            sb.append(value(s.substring(at + 2, end), ctx, where));
            from = end + 2;
            at = s.indexOf("{{$", from);
        }
        sb.append(s.substring(from));
        return sb.toString();
    }

    private static String value(String expr, Context ctx, String where) {
        TaskIdentity id = ctx.id();
        switch (expr) {
            case "$":
                return ctx.inputJson();
            case "$.pipeline_job_name":
            case "$.pipeline_job_resource_name":
                return id.jobName();
            case "$.pipeline_job_uuid":
                return id.runId();
            case "$.pipeline_task_name":
                return id.taskName();
            case "$.pipeline_task_uuid":
                return id.taskUuid();
            case "$.pipeline_root":
                return ctx.pipelineRoot();
            case "$.workspace_path":
                throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, where + ": {{$.workspace_path}} is the KFP pipeline"
                        + " workspace (platforms.kubernetes.pipelineConfig.workspace, a PVC the run's tasks share), which Relay does"
                        + " not provide: pass data between tasks as artifacts");
            case "$.outputs.output_file":
            case "$.outputMetadataUri":
                return ctx.input().path("outputs").path("outputFile").asText();
            default:
                break;
        }
        Ref r = Ref.parse(expr);
        if (r == null) {
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, where + ": unknown placeholder {{" + expr + "}}");
        }
        JsonNode side = ctx.input().path(r.side);
        if (r.kind.equals("parameters")) {
            if (r.side.equals("inputs")) {
                JsonNode v = side.path("parameterValues").get(r.name);
                if (v == null || v.isNull() || !r.field.isEmpty()) {
                    throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, where + ": {{" + expr
                            + "}} names input parameter '" + r.name + "', which has no value");
                }
                return ParameterType.text(v);
            }
            JsonNode p = side.path("parameters").get(r.name);
            if (p == null || !r.field.equals("output_file")) {
                throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, where + ": {{" + expr
                        + "}} does not name a declared output parameter's output_file");
            }
            return p.path("outputFile").asText();
        }
        JsonNode list = side.path("artifacts").path(r.name).path("artifacts");
        if (!list.isArray() || list.isEmpty()) {
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, where + ": {{" + expr + "}} names "
                    + r.side.substring(0, r.side.length() - 1) + " artifact '" + r.name + "', which "
                    + (r.side.equals("inputs") ? "has no artifact" : "is not declared"));
        }
        JsonNode a = list.get(0);
        String uri = a.path("uri").asText();
        if (r.field.equals("uri")) {
            return uri;
        }
        if (r.field.equals("path")) {
            String p = ctx.layout().pathOf(uri);
            if (p == null) {
                throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, where + ": artifact '" + r.name + "' at " + uri
                        + " has no local path");
            }
            return p;
        }
        if (r.field.equals("metadata")) {
            return a.path("metadata").toString();
        }
        if (r.field.startsWith("metadata['") && r.field.endsWith("']")) {
            JsonNode m = a.path("metadata").get(r.field.substring(10, r.field.length() - 2));
            return m == null ? "null" : ParameterType.text(m);
        }
        throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, where + ": unknown placeholder {{" + expr
                + "}} (an artifact has .uri, .path and .metadata)");
    }

    /** {@code $.<side>.<kind>['<name>'][.<field>]}. */
    private record Ref(String side, String kind, String name, String field) {
        static Ref parse(String expr) {
            for (String side : new String[] {"inputs", "outputs"}) {
                for (String kind : new String[] {"parameters", "artifacts"}) {
                    String prefix = "$." + side + "." + kind + "['";
                    if (expr.startsWith(prefix)) {
                        int close = expr.indexOf("']", prefix.length());
                        if (close < 0) {
                            return null;
                        }
                        String rest = expr.substring(close + 2);
                        if (!rest.isEmpty() && !rest.startsWith(".")) {
                            return null;
                        }
                        return new Ref(side, kind, expr.substring(prefix.length(), close), rest.isEmpty() ? "" : rest.substring(1));
                    }
                }
            }
            return null;
        }
    }
}
