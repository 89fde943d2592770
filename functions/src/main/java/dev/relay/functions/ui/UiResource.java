package dev.relay.functions.ui;

import dev.relay.functions.app.Backend;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.Triggers;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.run.PipelineGraph;
import dev.relay.runner.run.RunPlan;
import dev.relay.functions.kfp.KfpService;
import dev.relay.runner.experiment.Experiments;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the web UI needs beyond KFP's API and the run API (docs/api.md "For the web UI"): the
 * drawable graph of a run or of a registered pipeline version ({@link PipelineGraph}), the runs'
 * display names and experiments for the runs list, an earlier attempt's log, and the loaded triggers.
 *
 * <p>Graphs are kept in memory by the SHA-256 of the pipeline text they were drawn from (a run's
 * spec never changes; a 500-task graph costs seconds to read), and answered with that hash as
 * {@code ETag}. Run records are kept by run id: a run's display name and experiment are written
 * before its {@code run.json} and change only when its experiment is deleted (checked on each answer).
 */
@Path("/api/v1")
@jakarta.inject.Singleton
public class UiResource {
    private static final Pattern RUN_ID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** The most run ids one {@code run-records} request may name. */
    static final int MAX_RECORDS = 1000;
    private final Map<String, byte[]> graphs = Collections.synchronizedMap(lru(256));
    private final Map<String, Experiments.RunRecord> records = Collections.synchronizedMap(lru(100_000));

    @Inject Backend backend;
    @Inject Triggers triggers;
    @Inject KfpService kfp;

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
        // the run's own reading of its spec (by run.json's format: v1 graph, IR or Argo package)
        String etag = sha256(doc.format() + "\n" + doc.spec());
        return cached(etag, () -> {
            try {
                return PipelineGraph.of(RunPlan.of(doc).model().model());
            } catch (IllegalStateException e) {
                throw new HttpError(422, "spec", "cannot draw the pipeline: " + e.getMessage().lines().findFirst().orElse(""), List.of());
            }
        });
    }

    /**
     * The log of one attempt of a task ({@code attempts/<n>/log.txt}), as {@code text/plain}: what
     * the side panel shows for an earlier attempt (the current one is followed through
     * {@code /apis/v2beta1/runs/{id}/tasks/{task}/logs}). {@code task} is the task path
     * ({@code for-loop-2/0/print-op}); 404 when the attempt wrote no log, 400 for a path that is no
     * task path.
     */
    @GET
    @Path("/runs/{id}/tasks/{task: .+}/attempts/{attempt: [0-9]+}/log")
    public Response attemptLog(@PathParam("id") String id, @PathParam("task") String task, @PathParam("attempt") int attempt) {
        String key;
        try {
            key = RunLayout.attemptLog(id, task, attempt);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("task: " + e.getMessage());
        }
        byte[] log = backend.store().get(key).orElseThrow(() -> new HttpError(404, "no log of attempt " + attempt + " of task '"
                + task.replaceAll("\\p{Cntrl}", "?") + "' in run '" + id.replaceAll("\\p{Cntrl}", "?") + "'"));
        return Response.ok(log, "text/plain; charset=utf-8").build();
    }

    /**
     * Display names and experiments of runs (what the runs list shows beside the index's columns,
     * without KFP's run list reading every run): {@code {"records": {"RUN": {"displayName",
     * "experimentId", "experiment"}}}}; a run without a KFP record is in the Default experiment under
     * its id. 400 without {@code runs}, with more than {@link #MAX_RECORDS} ids or an id that is no
     * DNS-1123 label.
     */
    @GET
    @Path("/run-records")
    public Response runRecords(@QueryParam("runs") String runs) {
        List<String> ids = runs == null ? List.of()
                : java.util.Arrays.stream(runs.split(",")).map(String::trim).filter(x -> !x.isEmpty()).distinct().toList();
        if (ids.isEmpty()) {
            throw HttpError.badRequest("runs: name the runs, comma-separated (runs=A,B)");
        }
        if (ids.size() > MAX_RECORDS) {
            throw HttpError.badRequest("runs: at most " + MAX_RECORDS + " run ids per request, got " + ids.size());
        }
        for (String id : ids) {
            if (!RUN_ID.matcher(id).matches()) {
                throw HttpError.badRequest("runs: '" + id.replaceAll("\\p{Cntrl}", "?") + "' is no run id (a DNS-1123 label)");
            }
        }
        Experiments exps = kfp.experiments();
        Map<String, String> names = new HashMap<>();
        exps.list().forEach(e -> names.put(e.experimentId(), e.displayName()));
        String fallback = Experiments.defaultId();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String id : ids) {
            Experiments.RunRecord r = records.computeIfAbsent(id, exps::record);
            // a deleted experiment's runs moved to Default
            String exp = names.containsKey(r.experimentId()) ? r.experimentId() : fallback;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("displayName", r.displayName());
            m.put("experimentId", exp);
            m.put("experiment", names.getOrDefault(exp, Experiments.DEFAULT_NAME));
            out.put(id, m);
        }
        return Response.ok(Json.bytes(Map.of("records", out)), "application/json").build();
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

    private Response graph(String text, String where) {
        return cached(sha256(text), () -> {
            try {
                return PipelineGraph.read(text, where);
            } catch (IllegalArgumentException e) {
                throw new HttpError(422, "spec", e.getMessage(), List.of());
            }
        });
    }

    /** The graph kept under {@code etag}, or drawn by {@code draw} and kept; answered with the ETag. */
    private Response cached(String etag, java.util.function.Supplier<PipelineGraph> draw) {
        byte[] body = graphs.get(etag);
        if (body == null) {
            body = Json.bytes(draw.get());
            graphs.put(etag, body);
        }
        return Response.ok(body, "application/json").tag(etag).build();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <V> Map<String, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> e) {
                return size() > max;
            }
        };
    }
}
