package dev.relay.functions.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.functions.api.Bodies;
import dev.relay.runner.contract.Json;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * KFP's v1beta1 REST API as the KFP 1.8 client ({@code kfp_server_api} 1.8) calls it, over the
 * same {@link KfpService} as v2beta1 (one service, two shapes): healthz, pipeline upload / upload
 * of a version / get / list / versions, experiments create / get / list (by {@code name} filter),
 * runs create ({@code pipeline_spec.pipeline_id}, {@code workflow_manifest} or
 * {@code pipeline_manifest} inline, {@code parameters: [{name, value}]}, an EXPERIMENT
 * {@code resource_references} entry) / get ({@code ApiRunDetail} with an Argo-shaped
 * {@code pipeline_runtime.workflow_manifest}) / list / terminate / retry, and the artifact read.
 * Run states are Argo's phases as KFP v1 reports them ({@code Pending}, {@code Running},
 * {@code Succeeded}, {@code Failed}, {@code Skipped}); a terminated run is {@code Failed} with its
 * {@code error} saying so, as an Argo workflow stopped by KFP v1 is. Errors are
 * {@code {"error_message", "error_details", "code"}} ({@link KfpErrorMapper}).
 */
@Path("/apis/v1beta1")
public class KfpV1Resource {
    private static final String AVAILABLE = "STORAGESTATE_AVAILABLE";
    private static final String ARCHIVED = "STORAGESTATE_ARCHIVED";

    @Inject KfpService kfp;

    /** {@code {"commit_sha", "tag_name", "multi_user": false}}. */
    @GET
    @Path("/healthz")
    public Response healthz() {
        return KfpV2Resource.ok(Json.MAPPER.createObjectNode().put("commit_sha", "relay").put("tag_name", "relay")
                .put("multi_user", false));
    }

    // -------- pipelines

    /** Uploads a pipeline (multipart {@code uploadfile}; {@code name}, {@code description} query parameters). */
    @POST
    @Path("/pipelines/upload")
    public Response upload(@Context RoutingContext ctx, @QueryParam("name") String name,
                           @QueryParam("description") String description) {
        Uploads u = Uploads.of(ctx, Bodies.of(ctx));
        JsonNode p = kfp.upload(u.fileName(), u.content(), name, null, description);
        return KfpV2Resource.ok(pipeline(p.path("pipeline_id").asText()));
    }

    /** Uploads a version of {@code pipelineid}. */
    @POST
    @Path("/pipelines/upload_version")
    public Response uploadVersion(@Context RoutingContext ctx, @QueryParam("pipelineid") String pipelineId,
                                  @QueryParam("name") String name, @QueryParam("description") String description) {
        Uploads u = Uploads.of(ctx, Bodies.of(ctx));
        JsonNode v = kfp.uploadVersion(pipelineId, u.fileName(), u.content(), name, null, description);
        return KfpV2Resource.ok(version(v));
    }

    /** Lists pipelines. */
    @GET
    @Path("/pipelines")
    public Response listPipelines(@QueryParam("filter") String filter, @QueryParam("sort_by") String sortBy,
                                  @QueryParam("page_size") String pageSize, @QueryParam("page_token") String pageToken) {
        ObjectNode v2list = kfp.listPipelines(KfpQuery.of(filter, sortBy, pageSize, pageToken));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("pipelines");
        v2list.path("pipelines").forEach(p -> list.add(pipeline(p.path("pipeline_id").asText())));
        return KfpV2Resource.ok(paged(out, v2list));
    }

    /** One pipeline with its default (newest) version. */
    @GET
    @Path("/pipelines/{id}")
    public Response getPipeline(@PathParam("id") String id) {
        return KfpV2Resource.ok(pipeline(id));
    }

    /** A pipeline's versions: {@code resource_key.type=PIPELINE&resource_key.id=ID}. */
    @GET
    @Path("/pipeline_versions")
    public Response listVersions(@QueryParam("resource_key.type") String type, @QueryParam("resource_key.id") String id,
                                 @QueryParam("filter") String filter, @QueryParam("sort_by") String sortBy,
                                 @QueryParam("page_size") String pageSize, @QueryParam("page_token") String pageToken) {
        if (type != null && !type.isBlank() && !type.equals("PIPELINE")) {
            throw KfpException.invalid("resource_key.type must be PIPELINE, got '" + KfpService.clean(type) + "'");
        }
        if (id == null || id.isBlank()) {
            throw KfpException.invalid("resource_key.id: the pipeline's id is required");
        }
        ObjectNode v2list = kfp.listVersions(id, KfpQuery.of(filter, sortBy, pageSize, pageToken));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("versions");
        v2list.path("pipeline_versions").forEach(v -> list.add(version(v)));
        return KfpV2Resource.ok(paged(out, v2list));
    }

    /** One version. */
    @GET
    @Path("/pipeline_versions/{vid}")
    public Response getVersion(@PathParam("vid") String vid) {
        return KfpV2Resource.ok(version(kfp.versionByIdAnywhere(vid)));
    }

    private ObjectNode pipeline(String pipelineId) {
        JsonNode p = kfp.pipeline(kfp.pipelineById(pipelineId));
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", p.path("pipeline_id").asText());
        o.put("created_at", p.path("created_at").asText());
        o.put("name", p.path("display_name").asText());
        o.put("description", p.path("description").asText());
        JsonNode versions = kfp.listVersions(pipelineId, KfpQuery.of(null, "created_at desc", "1", null)).path("pipeline_versions");
        if (versions.size() > 0) {
            ObjectNode dv = version(versions.get(0));
            o.set("parameters", dv.path("parameters"));
            o.set("default_version", dv);
        } else {
            o.putArray("parameters");
        }
        return o;
    }

    private ObjectNode version(JsonNode v) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", v.path("pipeline_version_id").asText());
        o.put("name", v.path("display_name").asText());
        o.put("created_at", v.path("created_at").asText());
        o.put("description", v.path("description").asText());
        o.set("parameters", parameters(kfp.versionInputs(v.path("pipeline_id").asText(), v.path("pipeline_version_id").asText())));
        o.putObject("package_url").put("pipeline_url", v.path("package_url").path("pipeline_url").asText());
        ArrayNode refs = o.putArray("resource_references");
        refs.addObject().put("relationship", "OWNER").putObject("key").put("type", "PIPELINE")
                .put("id", v.path("pipeline_id").asText());
        return o;
    }

    private static ArrayNode parameters(Map<String, String> values) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        values.forEach((k, val) -> {
            ObjectNode p = a.addObject().put("name", k);
            if (val != null) {
                p.put("value", val);
            }
        });
        return a;
    }

    // -------- experiments

    /** Creates an experiment from {@code {"name", "description"}}. */
    @POST
    @Path("/experiments")
    public Response createExperiment(@Context RoutingContext ctx) {
        JsonNode body = KfpV2Resource.body(ctx);
        if (body == null || !body.isObject()) {
            throw KfpException.invalid("body: an experiment is a JSON object {\"name\": ..., \"description\": ...}");
        }
        ObjectNode v2body = Json.MAPPER.createObjectNode();
        v2body.put("display_name", KfpService.text(body, "name", "display_name"));
        v2body.put("description", KfpService.text(body, "description"));
        return KfpV2Resource.ok(experiment(kfp.createExperiment(v2body)));
    }

    /** Lists experiments ({@code get_experiment(experiment_name=...)} filters on {@code name}). */
    @GET
    @Path("/experiments")
    public Response listExperiments(@QueryParam("filter") String filter, @QueryParam("sort_by") String sortBy,
                                    @QueryParam("page_size") String pageSize, @QueryParam("page_token") String pageToken) {
        ObjectNode v2list = kfp.listExperiments(KfpQuery.of(filter, sortBy, pageSize, pageToken));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("experiments");
        v2list.path("experiments").forEach(e -> list.add(experiment(e)));
        return KfpV2Resource.ok(paged(out, v2list));
    }

    /** One experiment. */
    @GET
    @Path("/experiments/{id}")
    public Response getExperiment(@PathParam("id") String id) {
        return KfpV2Resource.ok(experiment(kfp.experiment(kfp.experimentById(id))));
    }

    private static ObjectNode experiment(JsonNode e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", e.path("experiment_id").asText());
        o.put("name", e.path("display_name").asText());
        o.put("description", e.path("description").asText());
        o.put("created_at", e.path("created_at").asText());
        o.put("storage_state", "ARCHIVED".equals(e.path("storage_state").asText()) ? ARCHIVED : AVAILABLE);
        return o;
    }

    // -------- runs

    /** Creates a run from an {@code ApiRun}; answers an {@code ApiRunDetail}. */
    @POST
    @Path("/runs")
    public Response createRun(@Context RoutingContext ctx) {
        JsonNode body = KfpV2Resource.body(ctx);
        if (body == null || !body.isObject()) {
            throw KfpException.invalid("body: a run is a JSON object {\"name\", \"pipeline_spec\", \"resource_references\"}");
        }
        ObjectNode v2body = Json.MAPPER.createObjectNode();
        v2body.put("display_name", KfpService.text(body, "name"));
        v2body.put("description", KfpService.text(body, "description"));
        JsonNode spec = body.path("pipeline_spec");
        String experimentId = null;
        String versionId = null;
        for (JsonNode ref : body.path("resource_references")) {
            String type = ref.path("key").path("type").asText();
            String id = ref.path("key").path("id").asText(null);
            if (type.equals("EXPERIMENT")) {
                experimentId = id;
            } else if (type.equals("PIPELINE_VERSION")) {
                versionId = id;
            } else if (!type.equals("NAMESPACE")) {
                throw KfpException.invalid("resource_references: key.type '" + KfpService.clean(type)
                        + "' is not one of EXPERIMENT, PIPELINE_VERSION");
            }
        }
        String manifest = KfpService.text(spec, "workflow_manifest", "pipeline_manifest");
        String pipelineId = KfpService.text(spec, "pipeline_id");
        if (manifest != null) {
            if (pipelineId != null || versionId != null) {
                throw KfpException.invalid("pipeline_spec: give either pipeline_spec.workflow_manifest or"
                        + " pipeline_spec.pipeline_id / a PIPELINE_VERSION reference, not both");
            }
            v2body.put("pipeline_spec", manifest);
        } else if (pipelineId != null || versionId != null) {
            ObjectNode ref = v2body.putObject("pipeline_version_reference");
            ref.put("pipeline_id", pipelineId);
            ref.put("pipeline_version_id", versionId);
        } else if (!spec.isMissingNode() && !spec.isObject()) {
            throw KfpException.invalid("pipeline_spec must be an object {pipeline_id | workflow_manifest, parameters}");
        }
        ObjectNode params = v2body.putObject("runtime_config").putObject("parameters");
        JsonNode ps = spec.path("parameters");
        if (!ps.isMissingNode() && !ps.isNull() && !ps.isArray()) {
            throw KfpException.invalid("pipeline_spec.parameters must be a list of {\"name\", \"value\"}");
        }
        for (JsonNode p : ps) {
            String n = p.path("name").asText("");
            if (n.isEmpty()) {
                throw KfpException.invalid("pipeline_spec.parameters: an entry has no name");
            }
            params.put(n, p.path("value").asText(""));
        }
        try {
            JsonNode run = kfp.createRun(v2body, experimentId);
            return KfpV2Resource.ok(runDetail(run.path("run_id").asText()));
        } catch (KfpException e) {
            throw new KfpException(e.status(), e.code(), v1Field(e.getMessage()));
        }
    }

    /** Maps v2beta1 field names in a message to the v1beta1 request's. */
    private static String v1Field(String message) {
        if (message.startsWith("pipeline_id:")) {
            message = "pipeline_spec." + message;
        }
        return message.replace("runtime_config.parameters", "pipeline_spec.parameters")
                .replace("pipeline_version_reference.pipeline_version_id", "resource_references (PIPELINE_VERSION)")
                .replace("pipeline_version_reference.pipeline_id", "pipeline_spec.pipeline_id")
                .replace("pipeline_version_id", "resource_references (PIPELINE_VERSION)")
                .replace("pipeline_version_reference", "pipeline_spec.pipeline_id")
                .replace("experiment_id", "resource_references (EXPERIMENT)")
                .replace("pipeline_spec: a run needs pipeline_spec (the pipeline inline) or",
                        "pipeline_spec: a run needs pipeline_spec.workflow_manifest (the pipeline inline) or pipeline_spec.pipeline_id,"
                                + " or");
    }

    /** Lists runs ({@code resource_reference_key.type=EXPERIMENT&resource_reference_key.id=ID} for one experiment). */
    @GET
    @Path("/runs")
    public Response listRuns(@QueryParam("resource_reference_key.type") String type,
                             @QueryParam("resource_reference_key.id") String id, @QueryParam("filter") String filter,
                             @QueryParam("sort_by") String sortBy, @QueryParam("page_size") String pageSize,
                             @QueryParam("page_token") String pageToken) {
        if (type != null && !type.isBlank() && !type.equals("EXPERIMENT") && !type.equals("NAMESPACE")) {
            throw KfpException.invalid("resource_reference_key.type must be EXPERIMENT, got '" + KfpService.clean(type) + "'");
        }
        ObjectNode v2list = kfp.listRuns("EXPERIMENT".equals(type) ? id : null, KfpQuery.of(filter, sortBy, pageSize, pageToken));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("runs");
        v2list.path("runs").forEach(r -> list.add(run(r)));
        return KfpV2Resource.ok(paged(out, v2list));
    }

    /** One run: {@code {"run": ApiRun, "pipeline_runtime": {"workflow_manifest": Argo-shaped JSON text}}}. */
    @GET
    @Path("/runs/{id}")
    public Response getRun(@PathParam("id") String id) {
        return KfpV2Resource.ok(runDetail(id));
    }

    /** Terminates a run. */
    @POST
    @Path("/runs/{id}/terminate")
    public Response terminate(@PathParam("id") String id) {
        kfp.runAction(id, "terminate");
        return KfpV2Resource.empty();
    }

    /** Retries a failed or terminated run. */
    @POST
    @Path("/runs/{id}/retry")
    public Response retry(@PathParam("id") String id) {
        kfp.runAction(id, "retry");
        return KfpV2Resource.empty();
    }

    /** {@code POST /runs/{id}:archive} and {@code :unarchive}. */
    @POST
    @Path("/runs/{target}")
    public Response runAction(@PathParam("target") String target) {
        String[] t = KfpV2Resource.action(target, "id", "archive", "unarchive");
        kfp.runAction(t[0], t[1]);
        return KfpV2Resource.empty();
    }

    /** {@code {"data": base64}} of one output of a task (v1beta1's read_artifact). */
    @GET
    @Path("/runs/{id}/nodes/{node}/artifacts/{target}")
    public Response readArtifact(@PathParam("id") String id, @PathParam("node") String node, @PathParam("target") String target) {
        return KfpV2Resource.ok(kfp.readArtifact(id, node, KfpV2Resource.action(target, "artifact_name", "read")[0]));
    }

    private ObjectNode runDetail(String runId) {
        JsonNode r = kfp.run(runId, true);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("run", run(r));
        o.putObject("pipeline_runtime").put("workflow_manifest", Json.MAPPER.valueToTree(workflow(r)).toString());
        return o;
    }

    private static ObjectNode run(JsonNode r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", r.path("run_id").asText());
        o.put("name", r.path("display_name").asText());
        o.put("description", r.path("description").asText());
        o.put("storage_state", "ARCHIVED".equals(r.path("storage_state").asText()) ? ARCHIVED : AVAILABLE);
        ObjectNode spec = o.putObject("pipeline_spec");
        JsonNode ref = r.path("pipeline_version_reference");
        if (ref.has("pipeline_id")) {
            spec.put("pipeline_id", ref.path("pipeline_id").asText());
        }
        ArrayNode params = spec.putArray("parameters");
        r.path("runtime_config").path("parameters").fields()
                .forEachRemaining(e -> params.addObject().put("name", e.getKey()).put("value", e.getValue().asText()));
        ArrayNode refs = o.putArray("resource_references");
        refs.addObject().put("relationship", "OWNER").putObject("key").put("type", "EXPERIMENT")
                .put("id", r.path("experiment_id").asText());
        if (ref.has("pipeline_version_id")) {
            refs.addObject().put("relationship", "CREATOR").putObject("key").put("type", "PIPELINE_VERSION")
                    .put("id", ref.path("pipeline_version_id").asText());
        }
        o.put("created_at", r.path("created_at").asText());
        o.put("scheduled_at", r.path("scheduled_at").asText());
        if (r.has("finished_at")) {
            o.put("finished_at", r.path("finished_at").asText());
        }
        o.put("status", phase(r.path("state").asText()));
        if (r.path("state").asText().equals("CANCELED")) {
            o.put("error", "the run was terminated (CANCELED)");
        } else if (r.has("error")) {
            o.put("error", r.path("error").path("message").asText());
        }
        return o;
    }

    /** Argo's phase, as KFP v1 reports run and node status, of a v2beta1 state. */
    static String phase(String state) {
        return switch (state) {
            case "PENDING" -> "Pending";
            case "SUCCEEDED" -> "Succeeded";
            case "FAILED", "CANCELED" -> "Failed";
            case "SKIPPED" -> "Skipped";
            default -> "Running";
        };
    }

    /** The run as an Argo Workflow's status (the fields KFP 1.8 tooling reads: phase, times, nodes). */
    private static ObjectNode workflow(JsonNode r) {
        ObjectNode w = Json.MAPPER.createObjectNode();
        w.put("apiVersion", "argoproj.io/v1alpha1").put("kind", "Workflow");
        w.putObject("metadata").put("name", r.path("run_id").asText());
        ObjectNode status = w.putObject("status");
        status.put("phase", phase(r.path("state").asText()));
        status.put("startedAt", r.path("created_at").asText());
        if (r.has("finished_at")) {
            status.put("finishedAt", r.path("finished_at").asText());
        }
        ObjectNode nodes = status.putObject("nodes");
        for (JsonNode t : r.path("run_details").path("task_details")) {
            ObjectNode n = nodes.putObject(t.path("task_id").asText());
            n.put("id", t.path("task_id").asText());
            n.put("name", r.path("run_id").asText() + "." + t.path("display_name").asText());
            n.put("displayName", t.path("display_name").asText());
            n.put("type", t.path("child_tasks").size() > 0 ? "DAG" : "Pod");
            n.put("phase", phase(t.path("state").asText()));
            if (t.has("start_time")) {
                n.put("startedAt", t.path("start_time").asText());
            }
            if (t.has("end_time")) {
                n.put("finishedAt", t.path("end_time").asText());
            }
            ArrayNode children = Json.MAPPER.createArrayNode();
            t.path("child_tasks").forEach(c -> children.add(c.path("task_id").asText()));
            if (children.size() > 0) {
                n.set("children", children);
            }
        }
        return w;
    }

    private static ObjectNode paged(ObjectNode out, JsonNode v2list) {
        out.put("total_size", v2list.path("total_size").asInt());
        out.put("next_page_token", v2list.path("next_page_token").asText());
        return out;
    }

    /** Every failure of this resource in KFP's error shape ({@link KfpErrorMapper#unexpected}). */
    @org.jboss.resteasy.reactive.server.ServerExceptionMapper
    public Response failed(RuntimeException e) {
        return KfpErrorMapper.unexpected(e, true);
    }
}
