package dev.relay.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.app.Backend;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.IndexService;
import dev.relay.runner.index.IndexException;
import dev.relay.runner.index.RunIndex;
import dev.relay.runner.index.RunReports;
import dev.relay.runner.index.UnknownRunException;
import java.util.function.Function;
import dev.relay.functions.events.RunStarter;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.run.RunView;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The run API (docs/contracts.md "Run request"): {@code POST /api/v1/runs}, {@code GET /api/v1/runs/{id}},
 * {@code POST /api/v1/pipelines?name=N[&version=V]}; and over the index ({@code docs/api.md}):
 * {@code GET /api/v1/runs[?pipeline=P&limit=N]}, {@code /api/v1/runs/{id}/metrics},
 * {@code /api/v1/runs/{id}/visualizations}, {@code /api/v1/compare?runs=A,B} (unknown run 404,
 * bad query 400, index unavailable 503). Protected by {@code RELAY_API_TOKEN} (Bearer) when it is set,
 * through {@link dev.relay.functions.auth.AuthFilter}. Bodies come from Vert.x ({@link Bodies}) so that a malformed or empty one gets Relay's message.
 */
@Path("/api/v1")
public class RunsResource {
    private static final Pattern RUN_ID = dev.relay.eventing.Dns1123.LABEL;

    @Inject Backend backend;
    @Inject RunStarter starter;
    @Inject IndexService index;

    /** Starts a run: 201 {@code {"runId","phase":"Pending","links":{"self"}}}, 400/422 naming the field. */
    @POST
    @Path("/runs")
    public Response create(@Context RoutingContext ctx) {
        byte[] body = Bodies.of(ctx);
        JsonNode request;
        try {
            request = body == null || body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw HttpError.badRequest("body is not JSON: " + dev.relay.eventing.input.SafeJson.describe(e));
        }
        RunStarter.Created created = starter.start(request, new RunDoc.Cause("http", null, null, null));
        return Response.status(201).location(URI.create(created.links().get("self")))
                .type("application/json").entity(Json.bytes(created)).build();
    }

    /** A run as the bucket tells it (the {@link RunView} shape); 404 for an unknown run. */
    @GET
    @Path("/runs/{id}")
    public Response get(@PathParam("id") String id) {
        if (!RUN_ID.matcher(id).matches()) {
            throw new HttpError(404, "no run '" + id.replaceAll("\\p{Cntrl}", "?") + "' (run ids are DNS-1123 labels)");
        }
        RunView view = readable(id).orElseThrow(() -> new HttpError(404, "no run '" + id + "'"));
        return Response.ok(Json.bytes(indexed(i -> RunReports.of(view, i))), "application/json").build();
    }

    /**
     * Reads a run. A run whose documents exist but cannot be read (a broken {@code run.json}, an
     * invalid pipeline in it) is the store's fault, not the caller's: 500 naming the object and what
     * is wrong in plain words ({@code "field"} is the object's key), never an exception.
     */
    private java.util.Optional<RunView> readable(String id) {
        try {
            return RunView.load(backend.store(), id);
        } catch (java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            String key = dev.relay.runner.contract.RunLayout.runJson(id);
            String why = e.getMessage() == null ? "it cannot be read" : e.getMessage().strip();
            why = why.startsWith(key + ": ") ? why.substring(key.length() + 2) : why;
            throw new HttpError(500, key, "run " + id + " exists but cannot be read: " + key + ": "
                    + dev.relay.eventing.input.ErrorText.plain(why.replace('\n', ' ')), List.of());
        }
    }

    /** The index's runs, newest first: {@code {"runs": [...], "metricColumns": [...]}}. */
    @GET
    @Path("/runs")
    public Response list(@QueryParam("pipeline") String pipeline, @QueryParam("limit") String limit) {
        int n;
        try {
            n = limit == null || limit.isBlank() ? 0 : Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            throw HttpError.badRequest("limit must be a number >= 0, got '" + limit + "'");
        }
        int max = n;
        return Response.ok(Json.bytes(indexed(i -> RunReports.list(i, blank(pipeline), max))), "application/json").build();
    }

    /** A run's kept metrics and the errors of its metrics files; 404 when the index does not hold the run. */
    @GET
    @Path("/runs/{id}/metrics")
    public Response metrics(@PathParam("id") String id) {
        return Response.ok(Json.bytes(indexed(i -> RunReports.metricsOf(i, id).orElseThrow(() -> notIndexed(id)))),
                "application/json").build();
    }

    /** A run's visualizations and the errors of its UI-metadata files; 404 when the index does not hold the run. */
    @GET
    @Path("/runs/{id}/visualizations")
    public Response visualizations(@PathParam("id") String id) {
        return Response.ok(Json.bytes(indexed(i -> RunReports.visualizationsOf(i, id).orElseThrow(() -> notIndexed(id)))),
                "application/json").build();
    }

    /** Compares runs' metrics ({@code runs=A,B}); 404 listing the runs the index does not hold. */
    @GET
    @Path("/compare")
    public Response compare(@QueryParam("runs") String runs) {
        List<String> ids = runs == null ? List.of()
                : java.util.Arrays.stream(runs.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        try {
            return Response.ok(Json.bytes(indexed(i -> RunReports.compare(i, ids))), "application/json").build();
        } catch (UnknownRunException e) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("error", e.getMessage());
            doc.put("runs", e.runIds());
            return Response.status(404).type("application/json").entity(Json.bytes(doc)).build();
        }
    }

    private static HttpError notIndexed(String id) {
        return new HttpError(404, "no run '" + id.replaceAll("\\p{Cntrl}", "?") + "' in the index");
    }

    /** Runs a query on the index, mapping its failures to 404, 400 and 503. */
    private <T> T indexed(Function<RunIndex, T> query) {
        try {
            return query.apply(index.index());
        } catch (IndexException e) {
            throw new HttpError(503, "the run index is unavailable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /**
     * Registers a pipeline (YAML body, or a KFP 1.x .tar.gz / .zip package): 201 when new, 200 when this content was registered before,
     * 409 for other content under an existing version, 422 when the pipeline is invalid.
     */
    @POST
    @Path("/pipelines")
    public Response register(@Context RoutingContext ctx, @QueryParam("name") String name,
                             @QueryParam("version") String version) {
        byte[] body = Bodies.of(ctx);
        if (body == null || body.length == 0) {
            throw HttpError.badRequest("body is empty: send the pipeline YAML");
        }
        PipelineRegistry.Registered r;
        try {
            // a KFP 1.x .tar.gz / .zip package is stored as it is (pipeline.tar.gz, pipeline.zip)
            r = backend.registry().registerBytes(blank(name), blank(version), body, "body", null, null);
        } catch (SpecException e) {
            List<String> errors = e.errors().stream().map(SpecError::toString).toList();
            throw new HttpError(422, "body", "the pipeline is invalid: " + errors.get(0), errors);
        } catch (IllegalArgumentException e) {
            throw HttpError.invalid(e.getMessage().startsWith("version") ? "version" : "name", e.getMessage());
        } catch (PipelineRegistry.ConflictException e) {
            throw new HttpError(409, "version", e.getMessage(), List.of());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", r.name());
        doc.put("version", r.version());
        doc.put("uri", backend.store().uri(r.key()));
        doc.put("sha256", r.sha256());
        doc.put("createdAt", r.createdAt());
        doc.put("created", r.created());
        return Response.status(r.created() ? 201 : 200).type("application/json").entity(Json.bytes(doc)).build();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
