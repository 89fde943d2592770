package dev.relay.functions.ui;

import dev.relay.functions.app.Backend;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.Triggers;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.run.PipelineGraph;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the web UI needs beyond KFP's API and the run API (docs/api.md "For the web UI"): the
 * drawable graph of a run or of a registered pipeline version ({@link PipelineGraph}), and the
 * loaded triggers.
 */
@Path("/api/v1")
public class UiResource {
    private static final Pattern RUN_ID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    @Inject Backend backend;
    @Inject Triggers triggers;

    /** The graph of a run's pipeline (from its {@code run.json}); 404 for an unknown run, 422 for a spec Relay cannot draw. */
    @GET
    @Path("/runs/{id}/graph")
    public Response runGraph(@PathParam("id") String id) {
        if (!RUN_ID.matcher(id).matches()) {
            throw new HttpError(404, "no run '" + id.replaceAll("\\p{Cntrl}", "?") + "' (run ids are DNS-1123 labels)");
        }
        String key = RunLayout.runJson(id);
        byte[] bytes = backend.store().get(key).orElseThrow(() -> new HttpError(404, "no run '" + id + "'"));
        RunDoc doc = Json.read(bytes, RunDoc.class, key);
        if (doc.spec() == null || doc.spec().isNull()) {
            throw new HttpError(422, "spec", key + " holds no pipeline spec to draw", List.of());
        }
        return graph(doc.spec().toString(), key);
    }

    /** The graph of a registered pipeline version ({@code latest} names the newest); 404 when unknown. */
    @GET
    @Path("/pipelines/{name}/versions/{version}/graph")
    public Response pipelineGraph(@PathParam("name") String name, @PathParam("version") String version) {
        var entry = backend.registry().find(name, version)
                .orElseThrow(() -> new HttpError(404, "no pipeline '" + name + "' version '" + version + "'"));
        return graph(entry.yaml(), entry.key());
    }

    /** The loaded triggers: {@code {"triggers": [{"name", "kind" (upload|event), "definition"}]}}. */
    @GET
    @Path("/triggers")
    public Response triggers() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (var t : triggers.service().triggers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("kind", t instanceof dev.relay.eventing.trigger.Trigger.UploadTrigger ? "upload" : "event");
            m.put("definition", Json.MAPPER.valueToTree(t));
            list.add(m);
        }
        return Response.ok(Json.bytes(Map.of("triggers", list)), "application/json").build();
    }

    private static Response graph(String text, String where) {
        try {
            return Response.ok(Json.bytes(PipelineGraph.read(text, where)), "application/json").build();
        } catch (IllegalArgumentException e) {
            throw new HttpError(422, "spec", e.getMessage(), List.of());
        }
    }
}
