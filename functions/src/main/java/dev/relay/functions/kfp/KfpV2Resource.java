package dev.relay.functions.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.functions.api.Bodies;
import dev.relay.functions.app.Backend;
import dev.relay.functions.app.RelayConfig;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.RunLogs;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * KFP's v2beta1 REST API ({@code backend/api/v2beta1/*.proto}, as {@code kfp_server_api} 2.15.2
 * calls it): healthz, pipelines and versions (multipart {@code uploadfile}), experiments, runs,
 * recurring runs, an artifact read and Relay's task logs. Shapes and rules are {@link KfpService}'s;
 * errors are googlerpc Status documents ({@link KfpErrorMapper}).
 */
@Path("/apis/v2beta1")
public class KfpV2Resource {
    @Inject KfpService kfp;
    @Inject Backend backend;
    @Inject RelayConfig config;

    /** {@code {"multi_user": false, "pipeline_store": "relay"}}. */
    @GET
    @Path("/healthz")
    public Response healthz() {
        return ok(Json.MAPPER.createObjectNode().put("multi_user", false).put("pipeline_store", "relay"));
    }

    // -------- pipelines

    /**
     * Uploads a pipeline: multipart {@code uploadfile} (plus Relay's {@code component} parts, {@link
     * UploadedComponents}); {@code name}, {@code display_name}, {@code description} query parameters.
     */
    @POST
    @Path("/pipelines/upload")
    public Response upload(@Context RoutingContext ctx, @QueryParam("name") String name,
                           @QueryParam("display_name") String displayName, @QueryParam("description") String description) {
        byte[] raw = Bodies.of(ctx);
        Uploads u = UploadedComponents.inline(ctx, raw, Uploads.of(ctx, raw));
        return ok(kfp.upload(u.fileName(), u.content(), name, displayName, description));
    }

    /** Uploads a version of {@code pipelineid}. */
    @POST
    @Path("/pipelines/upload_version")
    public Response uploadVersion(@Context RoutingContext ctx, @QueryParam("pipelineid") String pipelineId,
                                  @QueryParam("name") String name, @QueryParam("display_name") String displayName,
                                  @QueryParam("description") String description) {
        byte[] raw = Bodies.of(ctx);
        Uploads u = UploadedComponents.inline(ctx, raw, Uploads.of(ctx, raw));
        return ok(kfp.uploadVersion(pipelineId, u.fileName(), u.content(), name, displayName, description));
    }

    /** Lists pipelines. */
    @GET
    @Path("/pipelines")
    public Response listPipelines(@QueryParam("filter") String filter, @QueryParam("sort_by") String sortBy,
                                  @QueryParam("page_size") String pageSize, @QueryParam("page_token") String pageToken) {
        return ok(kfp.listPipelines(KfpQuery.of(filter, sortBy, pageSize, pageToken)));
    }

    /** One pipeline. */
    @GET
    @Path("/pipelines/{id}")
    public Response getPipeline(@PathParam("id") String id) {
        return ok(kfp.pipeline(kfp.pipelineById(id)));
    }

    /** One pipeline by name (display name, else Relay's name). */
    @GET
    @Path("/pipelines/names/{name}")
    public Response getPipelineByName(@PathParam("name") String name) {
        return ok(kfp.pipelineByName(name));
    }

    /** Deletes a pipeline ({@code cascade=true} to delete its versions too). */
    @DELETE
    @Path("/pipelines/{id}")
    public Response deletePipeline(@PathParam("id") String id, @QueryParam("cascade") String cascade) {
        kfp.deletePipeline(id, "true".equalsIgnoreCase(cascade));
        return empty();
    }

    /** Lists a pipeline's versions. */
    @GET
    @Path("/pipelines/{id}/versions")
    public Response listVersions(@PathParam("id") String id, @QueryParam("filter") String filter,
                                 @QueryParam("sort_by") String sortBy, @QueryParam("page_size") String pageSize,
                                 @QueryParam("page_token") String pageToken) {
        return ok(kfp.listVersions(id, KfpQuery.of(filter, sortBy, pageSize, pageToken)));
    }

    /** One version, with its {@code pipeline_spec}. */
    @GET
    @Path("/pipelines/{id}/versions/{vid}")
    public Response getVersion(@PathParam("id") String id, @PathParam("vid") String vid) {
        return ok(kfp.getVersion(id, vid));
    }

    /** Deletes a version. */
    @DELETE
    @Path("/pipelines/{id}/versions/{vid}")
    public Response deleteVersion(@PathParam("id") String id, @PathParam("vid") String vid) {
        kfp.deleteVersion(id, vid);
        return empty();
    }

    // -------- experiments

    /** Creates an experiment. */
    @POST
    @Path("/experiments")
    public Response createExperiment(@Context RoutingContext ctx) {
        return ok(kfp.createExperiment(body(ctx)));
    }

    /** Lists experiments (the client's {@code get_experiment(experiment_name=...)} filters by display name). */
    @GET
    @Path("/experiments")
    public Response listExperiments(@QueryParam("filter") String filter, @QueryParam("sort_by") String sortBy,
                                    @QueryParam("page_size") String pageSize, @QueryParam("page_token") String pageToken) {
        return ok(kfp.listExperiments(KfpQuery.of(filter, sortBy, pageSize, pageToken)));
    }

    /** One experiment. */
    @GET
    @Path("/experiments/{id}")
    public Response getExperiment(@PathParam("id") String id) {
        return ok(kfp.experiment(kfp.experimentById(id)));
    }

    /** Deletes an experiment (its runs move to Default). */
    @DELETE
    @Path("/experiments/{id}")
    public Response deleteExperiment(@PathParam("id") String id) {
        kfp.deleteExperiment(id);
        return empty();
    }



    // -------- runs

    /** Creates a run. */
    @POST
    @Path("/runs")
    public Response createRun(@Context RoutingContext ctx, @QueryParam("experiment_id") String experimentId) {
        return ok(kfp.createRun(body(ctx), experimentId));
    }

    /** Lists runs, optionally of one experiment. */
    @GET
    @Path("/runs")
    public Response listRuns(@QueryParam("experiment_id") String experimentId, @QueryParam("filter") String filter,
                             @QueryParam("sort_by") String sortBy, @QueryParam("page_size") String pageSize,
                             @QueryParam("page_token") String pageToken) {
        return ok(kfp.listRuns(experimentId, KfpQuery.of(filter, sortBy, pageSize, pageToken)));
    }

    /** One run with its task details. */
    @GET
    @Path("/runs/{id}")
    public Response getRun(@PathParam("id") String id) {
        return ok(kfp.run(id, true));
    }

    /** Deletes a finished run. */
    @DELETE
    @Path("/runs/{id}")
    public Response deleteRun(@PathParam("id") String id) {
        kfp.deleteRun(id);
        return empty();
    }





    /**
     * Reads one output artifact of a task: {@code {"data": base64 of its bytes}} (the node is the
     * task's path or its {@code task_id}).
     */
    @GET
    @Path("/runs/{id}/nodes/{node}/artifacts/{target}")
    public Response readArtifact(@PathParam("id") String id, @PathParam("node") String node, @PathParam("target") String target) {
        return ok(kfp.readArtifact(id, node, action(target, "artifact_name", "read")[0]));
    }

    /**
     * A task's log from byte {@code offset} (Relay's addition; live while the task runs; the task is
     * its path, {@code for-loop-2/0/print-op} for a nested one):
     * {@code {"text", "next_offset", "live", "attempt"}}.
     */
    @GET
    @Path("/runs/{id}/tasks/{task: .+}/logs")
    public Response logs(@PathParam("id") String id, @PathParam("task") String task, @QueryParam("offset") String offset) {
        kfp.run(id, false);
        long from;
        try {
            from = offset == null || offset.isBlank() ? 0 : Long.parseLong(offset);
        } catch (NumberFormatException e) {
            throw KfpException.invalid("offset must be a byte offset, got '" + offset + "'");
        }
        RunLogs.Chunk c;
        try {
            c = logs().read(id, task, from);
        } catch (IllegalArgumentException e) {
            throw KfpException.invalid("task: " + e.getMessage());
        }
        return ok(Json.MAPPER.createObjectNode().put("text", c.text()).put("next_offset", c.nextOffset())
                .put("live", c.live()).put("attempt", c.attempt()));
    }

    private RunLogs logs() {
        java.nio.file.Path work = "embedded".equals(config.store()) ? java.nio.file.Path.of(config.stateDir()).resolve("work")
                : config.workDir().map(java.nio.file.Path::of).orElse(null);
        return new RunLogs(backend.store(), work);
    }

    // -------- recurring runs

    /** Creates a recurring run. */
    @POST
    @Path("/recurringruns")
    public Response createRecurringRun(@Context RoutingContext ctx) {
        return ok(kfp.createRecurringRun(body(ctx)));
    }

    /** Lists recurring runs. */
    @GET
    @Path("/recurringruns")
    public Response listRecurringRuns(@QueryParam("experiment_id") String experimentId, @QueryParam("filter") String filter,
                                      @QueryParam("sort_by") String sortBy, @QueryParam("page_size") String pageSize,
                                      @QueryParam("page_token") String pageToken) {
        return ok(kfp.listRecurringRuns(experimentId, KfpQuery.of(filter, sortBy, pageSize, pageToken)));
    }

    /** One recurring run. */
    @GET
    @Path("/recurringruns/{id}")
    public Response getRecurringRun(@PathParam("id") String id) {
        return ok(kfp.recurringRun(kfp.scheduleById(id)));
    }

    /** Deletes a recurring run (its runs stay). */
    @DELETE
    @Path("/recurringruns/{id}")
    public Response deleteRecurringRun(@PathParam("id") String id) {
        kfp.deleteRecurringRun(id);
        return empty();
    }



    /** {@code POST /experiments/{id}:archive} and {@code :unarchive}. */
    @POST
    @Path("/experiments/{target}")
    public Response experimentAction(@PathParam("target") String target) {
        String[] t = action(target, "experiment_id", "archive", "unarchive");
        kfp.archiveExperiment(t[0], t[1].equals("archive"));
        return empty();
    }

    /**
     * {@code POST /runs/{id}:terminate} (its running executions end, the run is CANCELED),
     * {@code :archive}, {@code :unarchive}, and {@code :retry} (a FAILED or CANCELED run's failed
     * and canceled tasks run again; 400 FAILED_PRECONDITION for a running or succeeded run).
     */
    @POST
    @Path("/runs/{target}")
    public Response runAction(@PathParam("target") String target) {
        String[] t = action(target, "run_id", "terminate", "archive", "unarchive", "retry");
        kfp.runAction(t[0], t[1]);
        return empty();
    }

    /** {@code POST /recurringruns/{id}:enable} and {@code :disable}. */
    @POST
    @Path("/recurringruns/{target}")
    public Response recurringRunAction(@PathParam("target") String target) {
        String[] t = action(target, "recurring_run_id", "enable", "disable");
        kfp.enableRecurringRun(t[0], t[1].equals("enable"));
        return empty();
    }

    /** Splits {@code ID:VERB} (KFP's custom methods); 404 for a verb not in {@code verbs}. */
    static String[] action(String target, String field, String... verbs) {
        int c = target.lastIndexOf(':');
        String verb = c < 0 ? "" : target.substring(c + 1);
        if (c < 0 || !java.util.List.of(verbs).contains(verb)) {
            throw KfpException.notFound(field + ": no method '" + KfpService.clean(verb) + "' (expected ID:"
                    + String.join(" or ID:", verbs) + ")");
        }
        return new String[] {target.substring(0, c), verb};
    }

    static JsonNode body(RoutingContext ctx) {
        byte[] b = Bodies.of(ctx);
        if (b.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(b);
        } catch (IOException e) {
            throw KfpException.invalid("body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static Response ok(ObjectNode body) {
        return Response.ok(Json.bytes(body), "application/json").build();
    }

    static Response empty() {
        return Response.ok("{}", "application/json").build();
    }
}
