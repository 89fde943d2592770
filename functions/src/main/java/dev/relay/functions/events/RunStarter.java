package dev.relay.functions.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.eventing.Sha256;
import dev.relay.runner.contract.Json;
import dev.relay.functions.app.Backend;
import dev.relay.functions.app.HttpError;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.run.RunRequestException;
import dev.relay.runner.run.RunService;
import dev.relay.runner.run.RunView;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a run from a Run request (docs/contracts.md "Run request"): the body of
 * {@code POST /api/v1/runs} and the data of {@code dev.relay.run.requested}. Checks everything
 * (shape, pipeline, parameters) before writing {@code run.json}; nothing is written for a bad
 * request. Parameter values are taken literally; an object is read only through an explicit
 * artifact reference {@code {"uri": "s3://bucket/key"}} that {@link #admit} allows.
 */
@ApplicationScoped
public class RunStarter {
    private final Backend backend;
    /** The loaded triggers: the objects their upload triggers watch may be referenced. */
    @Inject dev.relay.functions.app.Triggers triggers;

    /** @param backend the runner's pieces */
    @Inject
    public RunStarter(Backend backend) {
        this.backend = backend;
    }

    /**
     * The answer to a started run: {@code {"runId","phase":"Pending","links":{"self":…}}}.
     *
     * @param pipeline the pipeline recorded in {@code run.json}
     */
    public record Created(String runId, String phase, Map<String, String> links, RunDoc.PipelineRef pipeline,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Boolean repeated) {
        /** A run started now. */
        public Created(String runId, String phase, Map<String, String> links, RunDoc.PipelineRef pipeline) {
            this(runId, phase, links, pipeline, null);
        }
    }

    /**
     * Where the dedupe record of a {@code dev.relay.run.requested} event is kept: {@code
     * triggers/seen/run.requested/<sha256 of source + "\n" + id>} holding {@code {"runId",
     * "eventId", "eventSource"}} (beside the triggers' records; a trigger name has no dot).
     */
    public static final String SEEN = "triggers/seen/run.requested/";

    /**
     * Starts a run for a {@code dev.relay.run.requested} event once per ({@code source}, {@code
     * id}), as CloudEvents defines an event's identity: a redelivered or repeated event answers the
     * first run with {@code "repeated": true} and starts nothing. The dedupe record is written only
     * for a valid request, just before {@code run.json}, so a refused request can be fixed and sent
     * again with the same id.
     *
     * @throws HttpError as {@link #start(JsonNode, RunDoc.Cause)}
     */
    public Created startOnce(JsonNode request, EventMeta meta) {
        RunDoc.Cause cause = RelayFunctions.cause(meta);
        if (meta.id() == null || meta.id().isEmpty() || meta.source() == null) {
            return start(request, cause);
        }
        String key = SEEN + Sha256.hex(meta.source() + "\n" + meta.id());
        try {
            return start(request, cause, runId -> {
                Map<String, String> record = new LinkedHashMap<>();
                record.put("runId", runId);
                record.put("eventId", meta.id());
                record.put("eventSource", meta.source());
                if (!backend.store().putIfAbsent(key, Json.bytes(record))) {
                    throw new Repeated();
                }
            });
        } catch (Repeated r) {
            String first = backend.store().get(key).map(b -> Json.read(b, JsonNode.class, key).path("runId").asText(null))
                    .orElse(null);
            if (first == null) {
                throw new HttpError(409, "this event (source and id) was handled before, but its run is not recorded");
            }
            java.util.Optional<RunView> view = RunView.load(backend.store(), first);
            return new Created(first, view.map(v -> v.phase().toString()).orElse("Pending"),
                    Map.of("self", "/api/v1/runs/" + first), view.map(RunView::pipeline).orElse(null), true);
        }
    }

    /** Unwinds {@link #start} when the event was handled before. */
    private static final class Repeated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Repeated() {
            super(null, null, false, false);
        }
    }

    /**
     * Validates the request and writes {@code run.json}.
     *
     * @throws HttpError 400 when the request is not a JSON object, 422 naming the field otherwise
     */
    public Created start(JsonNode request, RunDoc.Cause cause) {
        return start(request, cause, id -> { });
    }

    /**
     * Like {@link #start(JsonNode, RunDoc.Cause)}; {@code beforeWrite} gets the new run id once the
     * request is valid, just before {@code run.json} is written (KFP's API writes the run's
     * experiment record there, so the run is never seen outside its experiment).
     */
    public Created start(JsonNode request, RunDoc.Cause cause, java.util.function.Consumer<String> beforeWrite) {
        if (request == null || !request.isObject()) {
            throw HttpError.badRequest("a Run request is a JSON object {\"pipeline\": {...}, \"parameters\": {...}}, got "
                    + (request == null ? "nothing" : request.getNodeType().name().toLowerCase()));
        }
        JsonNode p = request.get("pipeline");
        if (p == null || !p.isObject()) {
            throw HttpError.invalid("pipeline", "pipeline is required: {\"name\": N, \"version\": V} or {\"inline\": YAML}");
        }
        java.util.Set<String> references = new java.util.LinkedHashSet<>();
        Map<String, String> params = parameters(request.get("parameters"), references);
        RunService.Prepared prepared;
        RunDoc.PipelineRef ref;
        if (p.has("inline")) {
            if (p.has("name")) {
                throw HttpError.invalid("pipeline", "give either pipeline.inline or pipeline.name, not both");
            }
            String yaml = text(p, "inline", "pipeline.inline");
            prepared = prepare(yaml, "inline", "pipeline.inline", onCluster());
            ref = null;
        } else {
            String name = text(p, "name", "pipeline.name");
            String version = p.hasNonNull("version") ? text(p, "version", "pipeline.version") : PipelineRegistry.LATEST;
            PipelineRegistry.Entry entry;
            try {
                entry = backend.registry().find(name, version).orElseThrow(() -> HttpError.invalid("pipeline.name",
                        "no registered pipeline '" + name + "' version '" + version + "'; register it with POST"
                                + " /api/v1/pipelines?name=" + name + " or relay pipeline upload"));
            } catch (IllegalArgumentException e) {
                throw HttpError.invalid(e.getMessage().startsWith("pipeline.version") ? "pipeline.version" : "pipeline.name", e.getMessage());
            }
            prepared = prepare(entry.yaml(), entry.key(), "pipeline", onCluster());
            ref = new RunDoc.PipelineRef(entry.name(), entry.version(), entry.key());
        }
        String runId = backend.runs().newRunId();
        RunDoc doc;
        try {
            RunService.checkParameters(prepared.plan(), params);
        } catch (RunRequestException e) {
            throw HttpError.invalid("parameters", "parameters: " + e.getMessage());
        }
        for (String name : references) {
            admit(name, params.get(name));
        }
        try {
            beforeWrite.accept(runId);
            doc = backend.runs().submitLiteral(runId, prepared, params, references, cause, ref);
        } catch (RunRequestException e) {
            throw HttpError.invalid("parameters", "parameters: " + e.getMessage());
        }
        return new Created(runId, "Pending", Map.of("self", "/api/v1/runs/" + runId), doc.pipeline());
    }

    /** Whether this server's tasks run as Kubernetes Jobs (a KFP 1.x package's volumes and sidecars go to the pod). */
    private boolean onCluster() {
        return dev.relay.runner.recovery.LaunchIntents.KUBERNETES.equals(backend.controller().launcher().kind());
    }

    private static RunService.Prepared prepare(String yaml, String name, String field, boolean forCluster) {
        try {
            return RunService.prepare(yaml, name, forCluster);
        } catch (SpecException e) {
            List<String> errors = e.errors().stream().map(SpecError::toString).toList();
            throw new HttpError(422, field, field + ": the pipeline is invalid: " + errors.get(0), errors);
        }
    }

    private static String text(JsonNode node, String name, String field) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw HttpError.invalid(field, field + " must be a non-empty string");
        }
        return v.asText();
    }

    /**
     * The prefixes of Relay's bucket an artifact reference may name: runs' inputs and outputs,
     * registered pipelines, and files uploaded for a run ({@code uploads/}, the run form's datasets:
     * {@code POST /api/v1/uploads}).
     */
    public static final List<String> REFERENCE_PREFIXES = List.of("runs/", "pipelines/", "uploads/");

    /**
     * Admits an explicit artifact reference {@code {"uri": "s3://bucket/key"}} (CONTRACTS.md "Run
     * request"): an object under {@link #REFERENCE_PREFIXES} of Relay's bucket, or one a loaded
     * upload trigger watches (its bucket and prefix, suffix or glob).
     *
     * @throws HttpError 422 naming {@code parameters.NAME} for any other object
     */
    void admit(String name, String uri) {
        String[] bk;
        try {
            bk = RunService.checkReferenceShape(name, uri);
        } catch (RunRequestException e) {
            throw HttpError.invalid("parameters." + name, "parameters." + name + ": " + e.getMessage());
        }
        String bucket = backend.store().bucket();
        boolean owned = bk[0].equals(bucket) && REFERENCE_PREFIXES.stream().anyMatch(bk[1]::startsWith);
        if (!owned && (triggers == null || !triggers.service().watchesObject(bk[0], bk[1]))) {
            throw HttpError.invalid("parameters." + name, "parameters." + name + ": " + uri
                    + " is not an object Relay may read for a run: an artifact reference names an object under s3://"
                    + bucket + "/runs/, /pipelines/ or /uploads/, or one a loaded upload trigger watches");
        }
    }

    /**
     * Reads {@code parameters}: a string, number or boolean is literal text (whatever it looks
     * like); {@code {"uri": "s3://bucket/key"}} is an artifact reference, its name added to
     * {@code references}.
     */
    private static Map<String, String> parameters(JsonNode node, java.util.Set<String> references) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw HttpError.invalid("parameters", "parameters must be an object of NAME: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                out.put(e.getKey(), v.asText());
            } else if (v.isNumber() || v.isBoolean()) {
                out.put(e.getKey(), v.asText());
            } else if (v.isObject() && v.size() == 1 && v.path("uri").isTextual()) {
                out.put(e.getKey(), v.get("uri").asText());
                references.add(e.getKey());
            } else {
                throw HttpError.invalid("parameters." + e.getKey(), "parameters." + e.getKey()
                        + " must be a string, number or boolean (taken literally), or an artifact reference"
                        + " {\"uri\": \"s3://BUCKET/KEY\"}, not " + (v.isObject() ? "this object" : v.getNodeType().name().toLowerCase()));
            }
        }
        return out;
    }
}
