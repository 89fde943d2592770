package dev.relay.runner.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The pod fields of an Argo template (and the Workflow's defaults for them) that a Kubernetes Job
 * can carry: gathered by the translator into the v1 task's annotation {@link #ANNOTATION} as one
 * JSON object (Kubernetes' own field shapes), applied to the Job's pod by the Kubernetes launcher
 * ({@code dev.relay.runner.k8s.ArgoPodPatch}). The object's keys: {@code volumes} (the
 * Workflow's {@code spec.volumes} then the template's), {@code volumeMounts} and {@code env}
 * entries with {@code valueFrom} (secret, config map, resource or pod field, of the template's container), {@code initContainers},
 * {@code sidecars}, and {@code nodeSelector}, {@code tolerations}, {@code affinity} (the
 * template's, else the Workflow's, as Argo does). A local host refuses them ({@link HostCheck#problems}),
 * except pod-field env ({@code fieldRef}), which it fills with the values a process can have
 * ({@link #hostFieldValues}).
 */
public final class ArgoPodFields {
    /** Task annotation holding the JSON object. */
    public static final String ANNOTATION = "relay.dev/argo-pod";
    /** Workflow-level fields that are pod defaults. */
    static final List<String> WORKFLOW = List.of("volumes", "nodeSelector", "tolerations", "affinity");
    /** Template-level pod fields. */
    static final List<String> TEMPLATE = List.of("volumes", "initContainers", "sidecars", "nodeSelector", "tolerations",
            "affinity");

    private ArgoPodFields() {}

    /** @return the object for template {@code t} of {@code w}, or null when it has none of the fields */
    public static String of(Workflow w, Workflow.Template t) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode volumes = Json.MAPPER.createArrayNode();
        addAll(volumes, w.spec().get("volumes"));
        addAll(volumes, t.raw().get("volumes"));
        if (!volumes.isEmpty()) {
            out.set("volumes", volumes);
        }
        JsonNode c = t.raw().has("container") ? t.raw().get("container") : t.raw().get("script");
        if (c != null && c.path("volumeMounts").isArray() && !c.path("volumeMounts").isEmpty()) {
            out.set("volumeMounts", c.get("volumeMounts"));
        }
        if (c != null) {
            ArrayNode env = Json.MAPPER.createArrayNode();
            for (JsonNode e : c.path("env")) {
                JsonNode from = e.path("valueFrom");
                if (from.has("secretKeyRef") || from.has("configMapKeyRef") || from.has("resourceFieldRef")
                        || from.has("fieldRef")) {
                    env.add(e);
                }
            }
            if (!env.isEmpty()) {
                out.set("env", env);
            }
        }
        for (String f : List.of("initContainers", "sidecars")) {
            if (t.raw().path(f).isArray() && !t.raw().path(f).isEmpty()) {
                out.set(f, t.raw().get(f));
            }
        }
        for (String f : List.of("nodeSelector", "tolerations", "affinity")) {
            JsonNode v = t.raw().has(f) && !t.raw().get(f).isNull() ? t.raw().get(f) : w.spec().get(f);
            if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                out.set(f, v);
            }
        }
        return out.isEmpty() ? null : out.toString();
    }

    /**
     * The values a host process gets for the {@code valueFrom.fieldRef} env entries of
     * {@code annotation} (the object {@link #of} wrote; a Kubernetes pod gets the real ones):
     * {@code metadata.name} is {@code <runId>-<task path>-<attempt>} made a DNS label (lower case,
     * other characters as {@code -}), {@code metadata.uid} a UUID named by run, task and attempt,
     * the labels {@code workflows.argoproj.io/workflow} and {@code pipeline/runid} the run id. Other
     * field paths (namespace, node, IPs, other labels) have no host value and are left out: the
     * translator sets them to "".
     *
     * @param annotation the {@link #ANNOTATION} value, or null
     * @return env name to value; empty when {@code annotation} is null, not JSON, or has no fieldRef
     */
    public static Map<String, String> hostFieldValues(String annotation, String runId, String task, int attempt) {
        Map<String, String> out = new LinkedHashMap<>();
        if (annotation == null) {
            return out;
        }
        JsonNode env;
        try {
            env = Json.MAPPER.readTree(annotation).path("env");
        } catch (java.io.IOException e) {
            return out;
        }
        String who = runId + "-" + task + "-" + attempt;
        for (JsonNode e : env) {
            String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText("");
            String value = switch (field.replace('"', '\'')) {
                case "metadata.name" -> who.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
                case "metadata.uid" -> UUID.nameUUIDFromBytes(who.getBytes(StandardCharsets.UTF_8)).toString();
                case "metadata.labels['workflows.argoproj.io/workflow']", "metadata.labels['pipeline/runid']" -> runId;
                default -> null;
            };
            if (value != null && e.hasNonNull("name")) {
                out.put(e.get("name").asText(), value);
            }
        }
        return out;
    }

    private static void addAll(ArrayNode to, JsonNode list) {
        if (list != null && list.isArray()) {
            list.forEach(to::add);
        }
    }
}
