package dev.relay.functions.kfp;

import dev.relay.eventing.input.SafeYaml;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.functions.app.Backend;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.events.RunStarter;
import dev.relay.functions.events.ScheduleFire;
import dev.relay.runner.argo.ArgoPackage;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.experiment.Experiments;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.run.RunCancel;
import dev.relay.runner.run.RunView;
import dev.relay.runner.schedule.Schedule;
import dev.relay.runner.schedule.Schedules;
import dev.relay.runner.spec.Names;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * KFP's pipelines, experiments, runs and recurring runs over Relay's services, in KFP's v2beta1
 * JSON shapes (snake_case fields, RFC 3339 times, enum names), as {@code backend/api/v2beta1/*.proto}
 * and the generated {@code kfp_server_api} 2.15.2 define them. Runs start through the same
 * {@link RunStarter} as {@code POST /api/v1/runs}; pipelines are the registry's; experiments, run
 * records and schedules are the bucket's ({@link Experiments}, {@link Schedules}). Every failure
 * is a {@link KfpException} naming the field.
 */
@ApplicationScoped
public class KfpService implements ScheduleFire {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern RUN_ID = dev.relay.eventing.Dns1123.LABEL;

    private final Backend backend;
    private final RunStarter starter;
    private final Experiments experiments;
    private final Schedules schedules;
    private final RunCancel cancel;
    private final SchedulePings pings;
    private final Map<String, RunDoc> docs = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunDoc> e) {
            return size() > 5000;
        }
    });

    /**
     * @param backend the runner's pieces; @param starter the run starter of {@code /api/v1};
     * @param pings   the cluster's PingSources of recurring runs
     */
    @Inject
    public KfpService(Backend backend, RunStarter starter, SchedulePings pings) {
        this.backend = backend;
        this.starter = starter;
        this.pings = pings;
        Clock clock = Clock.systemUTC();
        this.experiments = new Experiments(backend.store(), clock);
        this.schedules = new Schedules(backend.store(), clock);
        this.cancel = new RunCancel(backend.store(), backend.controller().launcher(), clock,
                backend.recovery().executions());
    }

    /** @return the experiments service */
    public Experiments experiments() {
        return experiments;
    }

    /** @return the schedules service */
    public Schedules schedules() {
        return schedules;
    }

    // ------------------------------------------------------------------ pipelines

    /**
     * Registers an uploaded pipeline under a new name (KFP's {@code pipelines/upload}).
     *
     * @param name the KFP name ({@code name} or {@code display_name}); null: the file's own pipeline name
     * @throws KfpException 400 for a missing or invalid file, 409 when the name is taken
     */
    public ObjectNode upload(String fileName, byte[] content, String name, String displayName, String description) {
        checkFile(content);
        String shown = first(displayName, name);
        String relayName = shown == null ? null : relayName(shown, "name");
        if (relayName != null && backend.registry().pipeline(relayName).isPresent()) {
            throw new KfpException(409, KfpException.ALREADY_EXISTS, "name: a pipeline named '" + shown
                    + "' already exists; upload a new version with pipelines/upload_version?pipelineid=...");
        }
        PipelineRegistry.Registered r = register(relayName, null, fileName, content, shown, description);
        PipelineRegistry.PipelineInfo info = backend.registry().describe(r.name(), shown != null ? shown : r.name(), description);
        return pipeline(info);
    }

    /**
     * Registers a new version of the pipeline {@code pipelineId} (KFP's {@code upload_version}).
     *
     * @param name the version's KFP name; null: the content's sha256 prefix
     * @throws KfpException 404 for an unknown pipeline, 409 when the version exists with other content
     */
    public ObjectNode uploadVersion(String pipelineId, String fileName, byte[] content, String name, String displayName,
                                    String description) {
        if (pipelineId == null || pipelineId.isBlank()) {
            throw KfpException.invalid("pipelineid: the pipeline's id is required (query parameter pipelineid)");
        }
        PipelineRegistry.PipelineInfo p = pipelineById(pipelineId);
        checkFile(content);
        String shown = first(displayName, name);
        String version = shown == null ? null : relayName(shown, "name");
        PipelineRegistry.Registered r = register(p.name(), version, fileName, content, shown, description);
        PipelineRegistry.Meta m = backend.registry().versionById(p.name(), PipelineRegistry.versionIdOf(r.name(), r.version()))
                .orElseThrow(() -> new KfpException(500, KfpException.INTERNAL, "version " + r.version() + " not readable"));
        return version(p, m, false);
    }

    /** Registers the uploaded file in its own form (a KFP 1.x .tar.gz or .zip package stays one). */
    private PipelineRegistry.Registered register(String name, String version, String fileName, byte[] content, String shown,
                                                 String description) {
        try {
            return backend.registry().registerBytes(name, version, content, fileName, shown, description);
        } catch (SpecException e) {
            List<String> errors = e.errors().stream().map(SpecError::toString).toList();
            throw KfpException.invalid("uploadfile: the " + (ArgoPackage.isArchive(content) ? "package" : "pipeline")
                    + " is invalid: " + String.join("; ", errors));
        } catch (PipelineRegistry.ConflictException e) {
            throw new KfpException(409, KfpException.ALREADY_EXISTS, "name: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw KfpException.invalid(e.getMessage());
        }
    }

    private static void checkFile(byte[] content) {
        if (content == null || content.length == 0) {
            throw KfpException.invalid("uploadfile: send the pipeline file as the multipart field 'uploadfile'");
        }
    }

    /** @return a safe Relay name for a KFP name: as is when safe, else its DNS-1123 form */
    private static String relayName(String kfpName, String field) {
        if (SAFE.matcher(kfpName).matches() && !kfpName.contains("..")) {
            return kfpName;
        }
        String n = Names.dnsLabel(kfpName);
        if (n.isEmpty()) {
            throw KfpException.invalid(field + " '" + kfpName + "' has no letter or digit");
        }
        return n;
    }

    /** @return the pipeline, or 404 naming {@code pipeline_id} */
    public PipelineRegistry.PipelineInfo pipelineById(String id) {
        return backend.registry().pipelineById(id).orElseThrow(
                () -> KfpException.notFound("pipeline_id: no pipeline with id '" + clean(id) + "'"));
    }

    /** @return the pipeline whose display name (or Relay name) is {@code name}, or 404 */
    public ObjectNode pipelineByName(String name) {
        List<PipelineRegistry.PipelineInfo> all = backend.registry().pipelines();
        return all.stream().filter(p -> name.equals(p.displayName())).findFirst()
                .or(() -> all.stream().filter(p -> name.equals(p.name())).findFirst()).map(this::pipeline)
                .orElseThrow(() -> KfpException.notFound("name: no pipeline named '" + clean(name) + "'"));
    }

    /** @return {@code {"pipelines": [...], "total_size", "next_page_token"}} */
    public ObjectNode listPipelines(KfpQuery q) {
        return q.apply(backend.registry().pipelines(), p -> fields("pipeline_id", p.pipelineId(), "display_name",
                p.displayName(), "created_at", p.createdAt(), "description", nz(p.description())), this::pipeline, "pipelines");
    }

    /** @return the pipeline in KFP's shape */
    public ObjectNode pipeline(PipelineRegistry.PipelineInfo p) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("pipeline_id", p.pipelineId());
        o.put("display_name", p.displayName());
        o.put("name", p.name());
        o.put("description", nz(p.description()));
        o.put("created_at", p.createdAt());
        return o;
    }

    /**
     * Deletes a pipeline; one with versions only with {@code cascade} (as KFP).
     *
     * @throws KfpException 400 FAILED_PRECONDITION when it has versions and cascade is false
     */
    public void deletePipeline(String id, boolean cascade) {
        PipelineRegistry.PipelineInfo p = pipelineById(id);
        if (!cascade && !backend.registry().versions(p.name()).isEmpty()) {
            throw new KfpException(400, KfpException.FAILED_PRECONDITION, "pipeline_id: pipeline '" + p.displayName()
                    + "' has versions; delete them first or pass cascade=true");
        }
        backend.registry().delete(p.name());
    }

    /** @return {@code {"pipeline_versions": [...], ...}} of pipeline {@code id} */
    public ObjectNode listVersions(String id, KfpQuery q) {
        PipelineRegistry.PipelineInfo p = pipelineById(id);
        return q.apply(backend.registry().versions(p.name()), m -> fields("pipeline_version_id", m.id(), "display_name",
                m.shownName(), "created_at", m.createdAt(), "description", nz(m.description())),
                m -> version(p, m, false), "pipeline_versions");
    }

    /** @return one version with its {@code pipeline_spec}, or 404 naming {@code pipeline_version_id} */
    public ObjectNode getVersion(String id, String versionId) {
        PipelineRegistry.PipelineInfo p = pipelineById(id);
        return version(p, versionMeta(p, versionId), true);
    }

    /** @return the version whose id is {@code versionId}, whatever its pipeline, or 404 naming {@code pipeline_version_id} */
    public ObjectNode versionByIdAnywhere(String versionId) {
        for (PipelineRegistry.PipelineInfo p : backend.registry().pipelines()) {
            Optional<PipelineRegistry.Meta> m = backend.registry().versionById(p.name(), versionId);
            if (m.isPresent()) {
                return version(p, m.get(), false);
            }
        }
        throw KfpException.notFound("pipeline_version_id: no pipeline version '" + clean(versionId) + "'");
    }

    /**
     * @return a version's pipeline inputs, name → default (null when it has none), as its file
     *         declares them (a KFP v1 component's or graph's {@code inputs}; IR's root
     *         {@code inputDefinitions.parameters}); empty when the file declares none
     */
    public Map<String, String> versionInputs(String pipelineId, String versionId) {
        PipelineRegistry.PipelineInfo p = pipelineById(pipelineId);
        PipelineRegistry.Meta m = versionMeta(p, versionId);
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode spec = backend.registry().find(m.name(), m.version()).map(e -> yamlTree(e.yaml())).orElse(null);
        if (spec == null) {
            return out;
        }
        for (JsonNode in : spec.path("inputs")) {
            JsonNode d = in.get("default");
            out.put(in.path("name").asText(), d == null || d.isNull() ? null : d.isTextual() ? d.asText() : d.toString());
        }
        spec.path("root").path("inputDefinitions").path("parameters").fields().forEachRemaining(e -> {
            JsonNode d = e.getValue().get("defaultValue");
            out.put(e.getKey(), d == null || d.isNull() ? null : d.isTextual() ? d.asText() : d.toString());
        });
        return out;
    }

    /** Deletes one version. */
    public void deleteVersion(String id, String versionId) {
        PipelineRegistry.PipelineInfo p = pipelineById(id);
        backend.registry().deleteVersion(p.name(), versionMeta(p, versionId).version());
    }

    private PipelineRegistry.Meta versionMeta(PipelineRegistry.PipelineInfo p, String versionId) {
        return backend.registry().versionById(p.name(), versionId).orElseThrow(() -> KfpException.notFound(
                "pipeline_version_id: pipeline '" + p.displayName() + "' has no version '" + clean(versionId) + "'"));
    }

    private ObjectNode version(PipelineRegistry.PipelineInfo p, PipelineRegistry.Meta m, boolean withSpec) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("pipeline_id", p.pipelineId());
        o.put("pipeline_version_id", m.id());
        o.put("display_name", m.shownName());
        o.put("name", m.version());
        o.put("description", nz(m.description()));
        o.put("created_at", m.createdAt());
        o.putObject("package_url").put("pipeline_url", backend.store().uri(m.key()));
        if (withSpec) {
            backend.registry().find(m.name(), m.version()).ifPresent(e -> o.set("pipeline_spec", yamlTree(e.yaml())));
        }
        return o;
    }

    private static JsonNode yamlTree(String yaml) {
        try {
            Object doc = SafeYaml.load(yaml);
            return Json.MAPPER.valueToTree(doc);
        } catch (RuntimeException e) {
            return Json.MAPPER.getNodeFactory().textNode(yaml);
        }
    }

    // ------------------------------------------------------------------ experiments

    /** @return the created experiment; 400 naming {@code display_name} when missing or taken */
    public ObjectNode createExperiment(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw KfpException.invalid("body: an experiment is a JSON object {\"display_name\": ..., \"description\": ...}");
        }
        try {
            return experiment(experiments.create(text(body, "display_name", "displayName", "name"),
                    text(body, "description")));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().contains("already exists") ? new KfpException(409, KfpException.ALREADY_EXISTS, e.getMessage())
                    : KfpException.invalid(e.getMessage());
        }
    }

    /** @return the experiment, or 404 naming {@code experiment_id} */
    public Experiments.Experiment experimentById(String id) {
        return experiments.get(id).orElseThrow(() -> KfpException.notFound("experiment_id: no experiment with id '" + clean(id) + "'"));
    }

    /** @return {@code {"experiments": [...], ...}} */
    public ObjectNode listExperiments(KfpQuery q) {
        return q.apply(experiments.list(), e -> fields("experiment_id", e.experimentId(), "display_name", e.displayName(),
                "created_at", e.createdAt(), "storage_state", e.storageState(), "description", nz(e.description())),
                this::experiment, "experiments");
    }

    /** @return the experiment in KFP's shape */
    public ObjectNode experiment(Experiments.Experiment e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("experiment_id", e.experimentId());
        o.put("display_name", e.displayName());
        o.put("description", nz(e.description()));
        o.put("created_at", e.createdAt());
        o.put("storage_state", e.storageState());
        return o;
    }

    /** Archives or unarchives an experiment (and, archiving, its runs, as KFP). */
    public void archiveExperiment(String id, boolean archive) {
        experimentById(id);
        experiments.setState(id, archive ? Experiments.ARCHIVED : Experiments.AVAILABLE);
        if (archive) {
            for (Experiments.RunRecord r : experiments.records()) {
                if (id.equals(r.experimentId())) {
                    experiments.putRecord(r.with(Experiments.ARCHIVED));
                }
            }
        }
    }

    /** Deletes an experiment; its runs move to Default. */
    public void deleteExperiment(String id) {
        experimentById(id);
        try {
            experiments.delete(id);
        } catch (IllegalArgumentException e) {
            throw new KfpException(400, KfpException.FAILED_PRECONDITION, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ runs

    /**
     * Creates a run from KFP's {@code V2beta1Run}: {@code pipeline_spec} inline or
     * {@code pipeline_version_reference}, {@code runtime_config.parameters}, {@code experiment_id},
     * {@code display_name}. Validated wholly before anything is written.
     *
     * @throws KfpException 400 naming the field, 404 for an unknown experiment or pipeline
     */
    public ObjectNode createRun(JsonNode body, String queryExperimentId) {
        if (body == null || !body.isObject()) {
            throw KfpException.invalid("body: a run is a JSON object with pipeline_spec or pipeline_version_reference");
        }
        String experimentId = first(text(body, "experiment_id", "experimentId"), queryExperimentId);
        Experiments.Experiment exp = experimentId == null ? experiments.ensureDefault() : experimentById(experimentId);
        JsonNode request = runRequest(body);
        String displayName = text(body, "display_name", "displayName");
        String description = text(body, "description");
        RunDoc.Cause cause = new RunDoc.Cause("http", null, Map.of("id", "kfp-api", "source", "/apis/v2beta1/runs",
                "type", "kfp.run.create"), null);
        String runId = start(request, cause, exp.experimentId(), displayName, description, null);
        return run(runId, true);
    }

    /**
     * Starts one run of {@code request} as KFP's API or a schedule asks, writing its record first.
     *
     * @return the run id
     */
    String start(JsonNode request, RunDoc.Cause cause, String experimentId, String displayName, String description,
                 String recurringRunId) {
        try {
            return starter.start(request, cause, id -> experiments.putRecord(new Experiments.RunRecord(id, experimentId,
                    displayName == null || displayName.isBlank() ? id : displayName, nz(description),
                    Experiments.AVAILABLE, recurringRunId))).runId();
        } catch (HttpError e) {
            throw KfpException.invalid(kfpField(e.field()) + ": " + e.getMessage());
        }
    }

    /**
     * Turns KFP's pipeline fields into Relay's Run request ({@code {"pipeline": ..., "parameters": ...}}).
     *
     * @throws KfpException 400 / 404 naming the KFP field
     */
    public JsonNode runRequest(JsonNode body) {
        JsonNode spec = either(body, "pipeline_spec", "pipelineSpec");
        JsonNode ref = either(body, "pipeline_version_reference", "pipelineVersionReference");
        String legacyVersion = text(body, "pipeline_version_id", "pipelineVersionId");
        ObjectNode request = Json.MAPPER.createObjectNode();
        ObjectNode pipeline = request.putObject("pipeline");
        if (spec != null && (ref != null || legacyVersion != null)) {
            throw KfpException.invalid("pipeline_spec: give either pipeline_spec or pipeline_version_reference, not both");
        }
        if (spec != null) {
            if (!spec.isObject() && !spec.isTextual()) {
                throw KfpException.invalid("pipeline_spec must be the pipeline as a JSON object");
            }
            pipeline.put("inline", spec.isTextual() ? spec.asText() : spec.toString());
        } else if (ref != null || legacyVersion != null) {
            String pid = ref == null ? null : text(ref, "pipeline_id", "pipelineId");
            String vid = ref == null ? legacyVersion : first(text(ref, "pipeline_version_id", "pipelineVersionId"), legacyVersion);
            PipelineRegistry.PipelineInfo p;
            PipelineRegistry.Meta m;
            if (pid != null) {
                p = pipelineById(pid);
                if (vid == null) {
                    List<PipelineRegistry.Meta> vs = backend.registry().versions(p.name());
                    if (vs.isEmpty()) {
                        throw KfpException.notFound("pipeline_version_reference.pipeline_id: pipeline '" + p.displayName() + "' has no version");
                    }
                    m = vs.get(vs.size() - 1);
                } else {
                    m = versionMeta(p, vid);
                }
            } else {
                String v = vid;
                Optional<PipelineRegistry.PipelineInfo> owner = backend.registry().pipelines().stream()
                        .filter(x -> backend.registry().versionById(x.name(), v).isPresent()).findFirst();
                p = owner.orElseThrow(() -> KfpException.notFound("pipeline_version_reference.pipeline_version_id: no pipeline version '"
                        + clean(v) + "'"));
                m = versionMeta(p, vid);
            }
            pipeline.put("name", m.name());
            pipeline.put("version", m.version());
        } else {
            throw KfpException.invalid("pipeline_spec: a run needs pipeline_spec (the pipeline inline) or"
                    + " pipeline_version_reference {pipeline_id, pipeline_version_id}");
        }
        ObjectNode params = request.putObject("parameters");
        JsonNode rc = either(body, "runtime_config", "runtimeConfig");
        if (rc != null && !rc.isNull()) {
            JsonNode ps = rc.get("parameters");
            if (ps != null && !ps.isNull()) {
                if (!ps.isObject()) {
                    throw KfpException.invalid("runtime_config.parameters must be an object of NAME: value");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode v = e.getValue();
                    if (v.isObject() && v.size() == 1 && v.path("uri").isTextual()) {
                        params.set(e.getKey(), v); // an explicit artifact reference (the UI's artifact fields), admitted by the run starter
                    } else {
                        params.put(e.getKey(), v.isTextual() ? v.asText() : v.isNull() ? "" : v.toString());
                    }
                }
            }
        }
        return request;
    }

    private static String kfpField(String relayField) {
        if (relayField == null) {
            return "body";
        }
        if (relayField.startsWith("parameters")) {
            return "runtime_config." + relayField;
        }
        return relayField.startsWith("pipeline.name") || relayField.startsWith("pipeline.version")
                ? "pipeline_version_reference" : "pipeline_spec";
    }

    /**
     * A run in KFP's shape.
     *
     * @param details true: {@code run_details.task_details} and {@code pipeline_spec}
     * @throws KfpException 404 naming {@code run_id}
     */
    public ObjectNode run(String runId, boolean details) {
        RunView v = view(runId);
        Experiments.RunRecord rec = experiments.record(runId);
        RunDoc doc = doc(runId);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("experiment_id", rec.experimentId());
        o.put("run_id", runId);
        o.put("display_name", rec.displayName());
        o.put("storage_state", rec.storageState());
        o.put("description", nz(rec.description()));
        String source = v.pipeline() == null ? null : v.pipeline().source();
        if (source != null && source.startsWith(PipelineRegistry.PREFIX)) {
            String pid = PipelineRegistry.pipelineIdOf(v.pipeline().name());
            String vid = PipelineRegistry.versionIdOf(v.pipeline().name(), v.pipeline().version());
            o.put("pipeline_version_id", vid);
            o.putObject("pipeline_version_reference").put("pipeline_id", pid).put("pipeline_version_id", vid);
        } else if (details && doc != null) {
            o.set("pipeline_spec", doc.spec());
        }
        ObjectNode rc = o.putObject("runtime_config");
        ObjectNode params = rc.putObject("parameters");
        v.parameters().forEach(params::put);
        o.put("created_at", v.createdAt());
        o.put("scheduled_at", v.createdAt());
        if (v.finishedAt() != null) {
            o.put("finished_at", v.finishedAt());
        }
        String state = state(v.phase(), v.tasks().stream().anyMatch(t -> t.attempts() > 0 || t.phase() == Phase.Running));
        o.put("state", state);
        if (v.phase() == Phase.Failed) {
            v.tasks().stream().filter(t -> t.phase() == Phase.Failed).findFirst().ifPresent(t -> o.putObject("error")
                    .put("code", KfpException.INTERNAL).put("message", "task " + t.name() + " failed: "
                            + first(t.message(), t.reason(), "exit code " + t.exitCode())));
        }
        if (rec.recurringRunId() != null) {
            o.put("recurring_run_id", rec.recurringRunId());
        }
        ArrayNode history = o.putArray("state_history");
        history.addObject().put("update_time", v.createdAt()).put("state", "PENDING");
        if (!state.equals("PENDING")) {
            history.addObject().put("update_time", v.createdAt()).put("state", "RUNNING");
        }
        if (v.finishedAt() != null) {
            history.addObject().put("update_time", v.finishedAt()).put("state", state);
        }
        if (details) {
            o.putObject("run_details").set("task_details", taskDetails(v));
        }
        return o;
    }

    /**
     * KFP's {@code run_details.task_details}: one entry per task path of the run
     * ({@code runs/<run>/tasks/<path>/...}), the run's top-level tasks first in the pipeline's
     * order (pending ones too), then nested tasks by path. A path's enclosing paths are its
     * ancestors: {@code parent_task_id} and {@code child_tasks} make the tree KFP's UI draws
     * (loops and conditions are DAG tasks with children; a loop iteration is the numeric segment,
     * shown as {@code iteration-N}). {@code task_id} is {@code RUN-PATH} with the path's {@code /}
     * as {@code .}. A nested task's state comes from its newest attempt's {@code status.json}, or
     * for a DAG task from its {@code tasks/<path>/status.json}, or, with neither, from its children.
     */
    private ArrayNode taskDetails(RunView v) {
        String runId = v.runId();
        Map<String, ObjectNode> byPath = new LinkedHashMap<>();
        for (RunView.TaskView t : v.tasks()) {
            ObjectNode td = taskNode(runId, t.name(), v.createdAt());
            if (t.startedAt() != null) {
                td.put("start_time", t.startedAt());
            }
            if (t.finishedAt() != null && t.phase().terminal()) {
                td.put("end_time", t.finishedAt());
            }
            td.put("state", state(t.phase(), t.attempts() > 0));
            td.put("execution_id", Integer.toString(Math.max(1, t.attempts())));
            if (t.phase() == Phase.Failed) {
                td.putObject("error").put("code", KfpException.INTERNAL).put("message", first(t.message(), t.reason(), "failed"));
            }
            ObjectNode outs = td.putObject("outputs");
            t.outputs().forEach((name, uri) -> outs.putObject(name).putArray("artifacts").addObject().put("name", name).put("uri", uri));
            byPath.put(t.name(), td);
        }
        // nested task paths (and top-level ones the plan does not list): newest attempt or DAG status
        Map<String, Integer> newest = new java.util.TreeMap<>();
        java.util.Set<String> dagStatus = new java.util.TreeSet<>();
        for (String key : backend.store().list(RunLayout.tasksPrefix(runId), true)) {
            RunLayout.parse(key).ifPresent(k -> {
                if (byPath.containsKey(k.task())) {
                    return;
                }
                if (k.kind() == RunLayout.Kind.ATTEMPT_STATUS) {
                    newest.merge(k.task(), k.attempt(), Math::max);
                } else if (k.kind() == RunLayout.Kind.TASK_STATUS) {
                    dagStatus.add(k.task());
                } else if (k.kind() != RunLayout.Kind.RUN_JSON && k.kind() != RunLayout.Kind.RUN_STATUS) {
                    newest.putIfAbsent(k.task(), 0);
                }
            });
        }
        java.util.Set<String> paths = new java.util.TreeSet<>(newest.keySet());
        paths.addAll(dagStatus);
        for (String path : List.copyOf(paths)) {
            for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
                paths.add(path.substring(0, i));
            }
        }
        for (String path : paths) {
            if (byPath.containsKey(path)) {
                continue;
            }
            ObjectNode td = taskNode(runId, path, v.createdAt());
            JsonNode status = null;
            int n = newest.getOrDefault(path, 0);
            if (n > 0) {
                status = readJson(RunLayout.attemptStatus(runId, path, n));
                td.put("execution_id", Integer.toString(n));
            } else if (dagStatus.contains(path)) {
                status = readJson(RunLayout.taskStatus(runId, path));
            }
            if (status != null) {
                String phase = status.path("phase").asText("Running");
                td.put("state", switch (phase) {
                    case "Succeeded" -> "SUCCEEDED";
                    case "Failed", "Error", "OOMKilled", "Evicted", "DeadlineExceeded", "LaunchFailed" -> "FAILED";
                    case "Skipped", "Omitted" -> "SKIPPED";
                    case "Canceled", "Cancelled" -> "CANCELED";
                    case "Pending" -> "PENDING";
                    default -> "RUNNING";
                });
                if (status.hasNonNull("startedAt")) {
                    td.put("start_time", status.path("startedAt").asText());
                }
                if (status.hasNonNull("finishedAt")) {
                    td.put("end_time", status.path("finishedAt").asText());
                }
                if ("FAILED".equals(td.path("state").asText())) {
                    td.putObject("error").put("code", KfpException.INTERNAL).put("message",
                            first(status.path("message").asText(null), status.path("reason").asText(null), phase));
                }
                ObjectNode outs = td.putObject("outputs");
                status.path("outputs").fields().forEachRemaining(e -> outs.putObject(e.getKey()).putArray("artifacts")
                        .addObject().put("name", e.getKey()).put("uri", e.getValue().path("uri").asText()));
            }
            byPath.put(path, td);
        }
        // the tree: parents and children; a node without a status of its own takes its children's
        for (Map.Entry<String, ObjectNode> e : byPath.entrySet()) {
            int slash = e.getKey().lastIndexOf('/');
            if (slash > 0) {
                ObjectNode parent = byPath.get(e.getKey().substring(0, slash));
                e.getValue().put("parent_task_id", parent.path("task_id").asText());
                ((ArrayNode) parent.withArray("child_tasks")).addObject().put("task_id", e.getValue().path("task_id").asText())
                        .put("pod_name", "");
            }
        }
        List<String> deepestFirst = new ArrayList<>(byPath.keySet());
        deepestFirst.sort((a, b) -> Long.compare(b.chars().filter(c -> c == '/').count(), a.chars().filter(c -> c == '/').count()));
        for (String path : deepestFirst) {
            ObjectNode td = byPath.get(path);
            if (!td.has("state")) {
                td.put("state", childrenState(td, byPath, runId));
            }
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        byPath.values().forEach(out::add);
        return out;
    }

    private ObjectNode taskNode(String runId, String path, String createdAt) {
        ObjectNode td = Json.MAPPER.createObjectNode();
        String last = path.substring(path.lastIndexOf('/') + 1);
        td.put("run_id", runId);
        td.put("task_id", runId + "-" + path.replace('/', '.'));
        td.put("display_name", last.chars().allMatch(Character::isDigit) ? "iteration-" + last : last);
        td.put("create_time", createdAt);
        td.putArray("child_tasks");
        return td;
    }

    private static String childrenState(ObjectNode td, Map<String, ObjectNode> byPath, String runId) {
        List<String> states = new ArrayList<>();
        String prefix = runId + "-";
        for (JsonNode c : td.path("child_tasks")) {
            String path = c.path("task_id").asText().substring(prefix.length()).replace('.', '/');
            ObjectNode child = byPath.get(path);
            states.add(child == null ? "RUNNING" : child.path("state").asText("RUNNING"));
        }
        for (String s : List.of("RUNNING", "PENDING", "FAILED", "CANCELED")) {
            if (states.contains(s)) {
                return s;
            }
        }
        return states.isEmpty() || states.contains("SUCCEEDED") ? (states.isEmpty() ? "PENDING" : "SUCCEEDED") : "SKIPPED";
    }

    private JsonNode readJson(String key) {
        try {
            return backend.store().get(key).map(b -> Json.read(b, JsonNode.class, key)).orElse(null);
        } catch (RuntimeException e) {
            return null; // an unreadable status shows the task without one
        }
    }

    /** KFP's runtime state of a Relay phase. */
    static String state(Phase p, boolean started) {
        return switch (p) {
            case Pending -> "PENDING";
            case Running -> started ? "RUNNING" : "RUNNING";
            case Succeeded -> "SUCCEEDED";
            case Failed -> "FAILED";
            case Skipped -> "SKIPPED";
            case Canceled -> "CANCELED";
        };
    }

    /** @return {@code {"runs": [...], ...}} filtered by experiment (and archive state, via filter) */
    public ObjectNode listRuns(String experimentId, KfpQuery q) {
        if (experimentId != null && !experimentId.isBlank()) {
            experimentById(experimentId);
        }
        Map<String, Experiments.RunRecord> records = new HashMap<>();
        for (Experiments.RunRecord r : experiments.records()) {
            records.put(r.runId(), r);
        }
        List<String> ids = new ArrayList<>();
        for (String p : backend.store().list(RunLayout.RUNS, false)) {
            if (p.endsWith("/")) {
                String id = p.substring(RunLayout.RUNS.length(), p.length() - 1);
                if (RUN_ID.matcher(id).matches() && doc(id) != null) {
                    Experiments.RunRecord r = records.getOrDefault(id, experiments.record(id));
                    if (experimentId == null || experimentId.isBlank() || experimentId.equals(r.experimentId())) {
                        ids.add(id);
                    }
                }
            }
        }
        return q.apply(ids, id -> {
            Experiments.RunRecord r = records.getOrDefault(id, experiments.record(id));
            RunDoc d = doc(id);
            return fields("run_id", id, "display_name", r.displayName(), "created_at", d.createdAt(),
                    "storage_state", r.storageState(), "experiment_id", r.experimentId(),
                    "recurring_run_id", r.recurringRunId() == null ? "" : r.recurringRunId(),
                    "state", finishedState(id));
        }, id -> run(id, false), "runs");
    }

    private String finishedState(String id) {
        // the current generation's status: a retried run shows its new state, not generation 1's
        return backend.recovery().generations().status(id)
                .map(s -> state(s.phase(), true)).orElse("RUNNING");
    }

    /**
     * A run's custom method: {@code terminate} (its running executions end, the run is CANCELED),
     * {@code archive}, {@code unarchive}, {@code retry} (its failed and canceled tasks, and those
     * skipped because of them, run again in the run's next generation: {@link #retry}).
     *
     * @throws KfpException 404 naming {@code run_id} for an unknown run
     */
    public void runAction(String runId, String verb) {
        switch (verb) {
            case "terminate" -> terminate(runId);
            case "archive" -> archiveRun(runId, true);
            case "unarchive" -> archiveRun(runId, false);
            case "retry" -> retry(runId);
            default -> throw KfpException.notFound("run_id: no method '" + clean(verb) + "'");
        }
    }

    /**
     * Retries a FAILED or CANCELED run: crash recovery's {@code RunRetry}, as {@code relay runs
     * retry} does, in this process (its launcher runs the new attempts). The run's state is RUNNING
     * until the new generation ends.
     *
     * @throws KfpException 404 naming {@code run_id} for an unknown run; 400 FAILED_PRECONDITION
     *     naming {@code run_id} when the run is still running or succeeded
     */
    public void retry(String runId) {
        view(runId);
        Optional<dev.relay.runner.recovery.RunRetry.Result> r;
        try {
            r = backend.recovery().retry().retry(runId);
        } catch (IllegalStateException e) {
            throw new KfpException(400, KfpException.FAILED_PRECONDITION, "run_id: " + e.getMessage());
        }
        if (r.isEmpty()) {
            throw KfpException.notFound("run_id: no run '" + runId + "'");
        }
    }

    /**
     * One output of a task as {@code {"data": base64 of its bytes}} (KFP's {@code ReadArtifactResponse}).
     *
     * @param node the task's path ({@code a/0/b}), its {@code task_id} ({@code RUN-PATH} with the
     *             path's {@code /} as {@code .}), or its name
     * @throws KfpException 404 naming {@code artifact_name} when the task has no such output
     */
    public ObjectNode readArtifact(String runId, String node, String name) {
        view(runId);
        String task = taskPath(runId, node);
        String key;
        try {
            key = RunLayout.output(runId, task, name);
        } catch (IllegalArgumentException e) {
            throw KfpException.invalid("node_id/artifact_name: " + e.getMessage());
        }
        byte[] data = backend.store().get(key).orElseThrow(() -> KfpException.notFound("artifact_name: task '" + clean(task)
                + "' of run '" + runId + "' has no output '" + clean(name) + "'"));
        return Json.MAPPER.createObjectNode().put("data", java.util.Base64.getEncoder().encodeToString(data));
    }

    /** @return the task path a KFP node or task id names: {@code RUN-a.0.b} and {@code a/0/b} are {@code a/0/b} */
    static String taskPath(String runId, String node) {
        String t = node.startsWith(runId + "-") ? node.substring(runId.length() + 1) : node;
        return t.replace('.', '/');
    }

    /** Terminates a run (a minimal cancel: {@link RunCancel}). */
    public void terminate(String runId) {
        view(runId);
        cancel.cancel(runId);
    }

    /** Archives or unarchives a run (its record's storage state). */
    public void archiveRun(String runId, boolean archive) {
        view(runId);
        experiments.putRecord(experiments.record(runId).with(archive ? Experiments.ARCHIVED : Experiments.AVAILABLE));
    }

    /**
     * Deletes a finished run's objects and record.
     *
     * @throws KfpException 400 FAILED_PRECONDITION for a run still running
     */
    public void deleteRun(String runId) {
        RunView v = view(runId);
        if (v.finishedAt() == null) {
            throw new KfpException(400, KfpException.FAILED_PRECONDITION, "run_id: run '" + runId
                    + "' is still running; terminate it first");
        }
        for (String k : backend.store().list(RunLayout.runPrefix(runId), true)) {
            if (!k.equals(RunLayout.runJson(runId))) {
                backend.store().delete(k);
            }
        }
        backend.store().delete(RunLayout.runJson(runId));
        experiments.deleteRecord(runId);
        docs.remove(runId);
    }

    private RunView view(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw KfpException.notFound("run_id: no run '" + clean(runId) + "' (run ids are DNS-1123 labels)");
        }
        return RunView.load(backend.store(), runId).orElseThrow(() -> KfpException.notFound("run_id: no run '" + runId + "'"));
    }

    private RunDoc doc(String runId) {
        RunDoc d = docs.get(runId);
        if (d == null) {
            Optional<byte[]> b = backend.store().get(RunLayout.runJson(runId));
            if (b.isEmpty()) {
                return null;
            }
            try {
                d = Json.read(b.get(), RunDoc.class, RunLayout.runJson(runId));
            } catch (RuntimeException e) {
                return null;
            }
            docs.put(runId, d);
        }
        return d;
    }

    // ------------------------------------------------------------------ recurring runs

    /**
     * Creates a recurring run from KFP's {@code V2beta1RecurringRun}.
     *
     * @throws KfpException 400 naming the field (trigger, max_concurrency, pipeline ...)
     */
    public ObjectNode createRecurringRun(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw KfpException.invalid("body: a recurring run is a JSON object");
        }
        String experimentId = text(body, "experiment_id", "experimentId");
        Experiments.Experiment exp = experimentId == null ? experiments.ensureDefault() : experimentById(experimentId);
        JsonNode request = runRequest(body);
        JsonNode t = either(body, "trigger");
        if (t == null || !t.isObject()) {
            throw KfpException.invalid("trigger: a recurring run needs trigger.cron_schedule or trigger.periodic_schedule");
        }
        JsonNode cron = either(t, "cron_schedule", "cronSchedule");
        JsonNode periodic = either(t, "periodic_schedule", "periodicSchedule");
        JsonNode which = cron != null ? cron : periodic;
        Long interval = null;
        if (periodic != null) {
            String iv = text(periodic, "interval_second", "intervalSecond");
            try {
                interval = iv == null ? null : Long.parseLong(iv);
            } catch (NumberFormatException e) {
                throw KfpException.invalid("trigger.periodic_schedule.interval_second must be a number of seconds, got '" + iv + "'");
            }
        }
        Schedule.Trigger trigger = new Schedule.Trigger(cron == null ? null : text(cron, "cron"), interval,
                which == null ? null : text(which, "start_time", "startTime"), which == null ? null : text(which, "end_time", "endTime"));
        String mc = text(body, "max_concurrency", "maxConcurrency");
        int maxConcurrency;
        try {
            maxConcurrency = mc == null ? 1 : Integer.parseInt(mc);
        } catch (NumberFormatException e) {
            throw KfpException.invalid("max_concurrency must be a number 1-10, got '" + mc + "'");
        }
        String mode = text(body, "mode");
        boolean noCatchup = either(body, "no_catchup", "noCatchup") != null && either(body, "no_catchup", "noCatchup").asBoolean();
        ObjectNode kfp = Json.MAPPER.createObjectNode();
        for (String f : new String[] {"pipeline_version_reference", "pipeline_spec", "runtime_config"}) {
            JsonNode v = either(body, f, camel(f));
            if (v != null) {
                kfp.set(f, v);
            }
        }
        Schedule draft = new Schedule(null, text(body, "display_name", "displayName"), nz(text(body, "description")),
                exp.experimentId(), request, kfp, trigger, maxConcurrency, noCatchup, !"DISABLE".equals(mode), null, null);
        Schedule created;
        try {
            Schedules.check(draft);
            pings.check(trigger);
            created = schedules.create(draft);
        } catch (IllegalArgumentException e) {
            throw KfpException.invalid(e.getMessage());
        }
        pings.apply(created);
        return recurringRun(created);
    }

    /** @return the schedule, or 404 naming {@code recurring_run_id} */
    public Schedule scheduleById(String id) {
        return schedules.get(id).orElseThrow(() -> KfpException.notFound("recurring_run_id: no recurring run with id '" + clean(id) + "'"));
    }

    /** @return {@code {"recurringRuns": [...], ...}} */
    public ObjectNode listRecurringRuns(String experimentId, KfpQuery q) {
        List<Schedule> all = schedules.list().stream()
                .filter(s -> experimentId == null || experimentId.isBlank() || experimentId.equals(s.experimentId())).toList();
        return q.apply(all, s -> fields("recurring_run_id", s.scheduleId(), "display_name", s.displayName(),
                "created_at", s.createdAt(), "experiment_id", s.experimentId()), this::recurringRun, "recurringRuns");
    }

    /** @return the schedule in KFP's shape */
    public ObjectNode recurringRun(Schedule s) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("recurring_run_id", s.scheduleId());
        o.put("display_name", s.displayName());
        o.put("description", nz(s.description()));
        if (s.kfp() != null) {
            s.kfp().fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
        }
        if (!o.has("runtime_config")) {
            o.putObject("runtime_config").set("parameters", s.run().path("parameters"));
        }
        o.put("max_concurrency", Integer.toString(s.maxConcurrency()));
        ObjectNode trig = o.putObject("trigger");
        Schedule.Trigger t = s.trigger();
        ObjectNode which = t.cron() != null ? trig.putObject("cron_schedule").put("cron", t.cron())
                : trig.putObject("periodic_schedule").put("interval_second", Long.toString(t.intervalSeconds()));
        if (t.startTime() != null) {
            which.put("start_time", t.startTime());
        }
        if (t.endTime() != null) {
            which.put("end_time", t.endTime());
        }
        o.put("mode", s.enabled() ? "ENABLE" : "DISABLE");
        o.put("created_at", s.createdAt());
        o.put("updated_at", s.updatedAt());
        o.put("status", s.enabled() ? "ENABLED" : "DISABLED");
        o.put("no_catchup", s.noCatchup());
        o.put("experiment_id", s.experimentId());
        return o;
    }

    /** Enables or disables a schedule. */
    public void enableRecurringRun(String id, boolean on) {
        scheduleById(id);
        schedules.setEnabled(id, on).ifPresent(pings::apply);
    }

    /** Deletes a schedule (its runs stay). */
    public void deleteRecurringRun(String id) {
        scheduleById(id);
        pings.delete(id);
        schedules.delete(id);
    }

    /** The cluster's PingSources reconciled with {@link #schedules()} ({@link SchedulePings#reconcile}). */
    @Override
    public Map<String, Object> reconcileSchedules() {
        return pings.reconcile(schedules.list());
    }

    /**
     * A recurring run's ping: fires its due runs at {@code at} (the ping's time) through
     * {@link Schedules#advance}, which enforces {@code max_concurrency} and {@code no_catchup}; a
     * disabled schedule fires nothing.
     *
     * @throws HttpError 400 for data without {@code scheduleId}, 404 for an unknown schedule
     */
    @Override
    public Object fire(JsonNode data, Instant at) {
        String id = data == null ? null : text(data, "scheduleId", "schedule_id", "recurring_run_id");
        if (id == null) {
            throw HttpError.badRequest("schedule ping: data must be {\"scheduleId\": ID}, got " + (data == null ? "nothing" : data));
        }
        Schedule s = schedules.get(id).orElseThrow(() -> new HttpError(404, "scheduleId", "no recurring run '" + clean(id) + "'",
                List.of()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scheduleId", id);
        out.put("fired", s.enabled() ? schedules.advance(s, at, scheduleStarter()) : List.of());
        if (!s.enabled()) {
            out.put("skipped", "the recurring run is disabled");
        }
        return out;
    }

    /** The starter of schedules' runs: the same path as {@link #createRun}, cause {@code schedule}. */
    public Schedules.Starter scheduleStarter() {
        return (s, fireTime) -> {
            RunDoc.Cause cause = new RunDoc.Cause("schedule", s.displayName(), Map.of("id", s.scheduleId() + "@" + fireTime,
                    "source", "/schedules/" + s.scheduleId(), "type", "dev.relay.schedule.fire"), null);
            String name = s.displayName() + " " + fireTime;
            try {
                return start(s.run(), cause, s.experimentId(), name, s.description(), s.scheduleId());
            } catch (KfpException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        };
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** @return the first of the named fields that is present and not null, as text (numbers too) */
    static String text(JsonNode node, String... names) {
        JsonNode v = either(node, names);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.isValueNode() ? v.asText() : v.toString();
        return s.isEmpty() ? null : s;
    }

    static JsonNode either(JsonNode node, String... names) {
        for (String n : names) {
            JsonNode v = node.get(n);
            if (v != null && !v.isNull()) {
                return v;
            }
        }
        return null;
    }

    private static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String clean(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }

    /** @return now (for tests and the scheduler) */
    static Instant now() {
        return Instant.now();
    }
}
