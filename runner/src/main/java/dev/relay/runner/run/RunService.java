package dev.relay.runner.run;

import dev.relay.runner.contract.Times;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunDoc;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.argo.ArgoPackage;
import dev.relay.runner.argo.ArgoPipeline;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.ModelException;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.executor.ComponentIo;
import dev.relay.runner.executor.ExecutorSpec;
import dev.relay.runner.pipeline.IrReader;
import dev.relay.runner.pipeline.V1Translator;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.PipelineInliner;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.executor.ParameterType;
import dev.relay.runner.executor.ParameterTypeException;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.store.ArtifactStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts runs: validates a pipeline and its parameters, then writes {@code runs/<run>/run.json},
 * whose notification launches the root tasks. Nothing is written for an invalid request.
 */
public final class RunService {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ArtifactStore store;
    private final Clock clock;

    public RunService(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * A validated pipeline with its inlined spec: what {@code run.json} will carry.
     *
     * @param spec the inlined JSON tree; {@code plan} parsed back from it, exactly as handlers will
     */
    public record Prepared(Path source, JsonNode spec, RunPlan plan) {}

    /**
     * Loads and validates a pipeline or a lone component (run as a one-task pipeline), or a KFP
     * 1.x compiled package (Argo Workflow YAML, .tar.gz, .zip), translated by {@link ArgoPipeline}.
     *
     * @throws SpecException with {@code FILE:LINE:COL} errors when the file is invalid
     */
    public static Prepared prepare(Path file) throws SpecException {
        byte[] bytes = ComponentLoader.read(file); // the one read of the file for this run
        if (ArgoPackage.isPackage(bytes)) {
            return prepareArgo(ArgoPackage.read(bytes, file.toString()), file);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (IrReader.looksLikeIr(text)) {
            return prepareIr(text, file.toString(), file);
        }
        JsonNode tree = ComponentLoader.resolve(file, bytes).inlined();
        ComponentSpec spec = ComponentLoader.parse(tree.toString(), file.toString(), file.toAbsolutePath().getParent());
        checkConstants(spec, file.toString());
        return new Prepared(file, tree, RunPlan.of(spec));
    }

    /**
     * Loads and validates a self-contained pipeline or component given as text: the body of an
     * inline run request or a registered {@code pipeline.yaml}. A {@code componentRef.url} is an
     * error (the server reads no files for a request); components are inlined with
     * {@code componentRef.spec}. An Argo Workflow's YAML (a KFP 1.x package) is translated by
     * {@link ArgoPipeline}.
     *
     * @param name the name used in messages and as the run's {@code pipeline.source}
     *     (e.g. {@code inline} or {@code pipelines/<name>/<version>/pipeline.yaml})
     * @throws SpecException with {@code NAME:LINE:COL} errors when the text is invalid
     */
    public static Prepared prepare(String yamlText, String name) throws SpecException {
        return prepare(yamlText, name, false);
    }

    /**
     * As {@link #prepare(String, String)}; with {@code forCluster} (the tasks run as Kubernetes
     * Jobs) an Argo Workflow is read by {@link #prepareArgoForCluster}.
     *
     * @throws SpecException with {@code NAME:LINE:COL} errors when the text is invalid
     */
    public static Prepared prepare(String yamlText, String name, boolean forCluster) throws SpecException {
        if (ArgoPackage.isWorkflowText(yamlText)) {
            ArgoPackage pkg = new ArgoPackage(yamlText, name);
            return forCluster ? prepareArgoForCluster(pkg, Path.of(name)) : prepareArgo(pkg, Path.of(name));
        }
        if (IrReader.looksLikeIr(yamlText)) {
            return prepareIr(yamlText, name, Path.of(name));
        }
        List<String> urls;
        try {
            urls = PipelineInliner.componentUrls(yamlText, name);
        } catch (RuntimeException e) {
            // not YAML or not a mapping: let the parser give its positioned error
            ComponentLoader.parse(yamlText, name, null);
            throw new SpecException(SpecError.ofFile(name, "not a YAML mapping"));
        }
        if (!urls.isEmpty()) {
            throw new SpecException(SpecError.ofFile(name, urls.get(0) + ": a componentRef.url cannot be resolved in an"
                    + " inline or registered pipeline; inline the component as componentRef.spec"
                    + " (relay pipeline upload does this for local files)"));
        }
        ComponentLoader.parse(yamlText, name, null);
        JsonNode tree = PipelineInliner.inlineText(yamlText, name);
        ComponentSpec spec = ComponentLoader.parse(tree.toString(), name, null);
        checkConstants(spec, name);
        return new Prepared(Path.of(name), tree, RunPlan.of(spec));
    }

    /**
     * A KFP v1 graph's constants checked against the types of the inputs they are given to
     * ({@link V1Translator#constantTypeErrors}), nested graph components included.
     *
     * @throws SpecException naming the file and each bad argument
     */
    public static void checkConstants(ComponentSpec spec, String file) throws SpecException {
        List<String> errors = V1Translator.constantTypeErrors(spec);
        if (!errors.isEmpty()) {
            throw new SpecException(errors.stream().map(m -> SpecError.ofFile(file, m)).toList());
        }
    }

    /**
     * Reads a KFP 1.x compiled package into the pipeline model ({@link ArgoPipeline#load}); the tree
     * kept for {@code run.json} is the Workflow as given.
     *
     * @throws SpecException naming the file, template and field of what cannot run
     */
    public static Prepared prepareArgo(ArgoPackage pkg, Path source) throws SpecException {
        ArgoPipeline.Loaded loaded = ArgoPipeline.load(pkg);
        return new Prepared(source, loaded.workflow(), RunPlan.argo(loaded));
    }

    /**
     * As {@link #prepareArgo}, for a run whose tasks run as Kubernetes Jobs: volumes, sidecars,
     * init containers, secret-backed env and node selection are accepted (they go to the pod);
     * only what no launcher runs is refused ({@link ArgoPipeline#loadForAnyLauncher}).
     *
     * @throws SpecException naming the file, template and field
     */
    public static Prepared prepareArgoForCluster(ArgoPackage pkg, Path source) throws SpecException {
        ArgoPipeline.Loaded loaded = ArgoPipeline.loadForAnyLauncher(pkg);
        return new Prepared(source, loaded.workflow(), RunPlan.argo(loaded));
    }

    /**
     * Reads a KFP v2 PipelineSpec (IR, YAML or JSON; a compiled single component too) and checks
     * every component's interface and executor, so that a broken IR is refused before anything is
     * written. The tree kept for {@code run.json} is the spec as given (a {@code platforms}
     * document, when present, kept under {@code platforms}).
     *
     * @throws SpecException naming the file and the field
     */
    public static Prepared prepareIr(String text, String name, Path source) throws SpecException {
        Pipeline p;
        try {
            p = IrReader.read(text, name);
        } catch (ModelException e) {
            throw new SpecException(SpecError.ofFile(name, e.getMessage().startsWith(name + ": ")
                    ? e.getMessage().substring(name.length() + 2) : e.getMessage()));
        }
        try {
            for (Component c : p.model().components().values()) {
                String key = c.name();
                if (c.isExecutor()) {
                    ExecutorSpec.parse(c.executorLabel(), p.executor(key));
                }
            }
            p.spec().path("components").fields().forEachRemaining(e ->
                    ComponentIo.parse("components." + e.getKey(), e.getValue()));
            ComponentIo.parse("root", p.spec().path("root"));
        } catch (RuntimeException e) {
            throw new SpecException(SpecError.ofFile(name, e.getMessage()));
        }
        JsonNode tree = p.spec();
        if (p.platforms() != null && !tree.has("platforms") && tree instanceof ObjectNode o) {
            ObjectNode copy = o.deepCopy();
            copy.set("platforms", p.platforms());
            tree = copy;
        }
        return new Prepared(source, tree, RunPlan.ir(p));
    }

    /**
     * Checks parameters against the pipeline's inputs: every name must be an input, every value of
     * an input typed {@code Integer}, {@code Float} or {@code Boolean} must read as that type ({@link ParameterType#ofV1}), and every required
     * input (no default, not optional) must be given.
     *
     * @throws RunRequestException naming the parameter and the pipeline's inputs
     */
    public static void checkParameters(RunPlan plan, Map<String, String> parameters) throws RunRequestException {
        if (plan.isIr()) {
            checkIrParameters(plan, parameters);
            return;
        }
        List<String> names = plan.inputs().stream().map(InputSpec::name).toList();
        for (String p : parameters.keySet()) {
            if (!names.contains(p)) {
                throw new RunRequestException("unknown parameter '" + p + "'; pipeline '" + plan.name()
                        + "' has inputs: " + (names.isEmpty() ? "(none)" : String.join(", ", names)));
            }
        }
        for (InputSpec in : plan.inputs()) {
            String v = parameters.get(in.name());
            ParameterType type = in.type() instanceof String t ? ParameterType.ofV1(t) : null;
            if (v != null && type != null) {
                try {
                    type.parse(v);
                } catch (ParameterTypeException e) {
                    throw new RunRequestException("parameter '" + in.name() + "' of type " + in.type() + ": " + e.getMessage());
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (InputSpec in : plan.inputs()) {
            if (!parameters.containsKey(in.name()) && !in.hasDefault() && !in.optional()) {
                missing.add(in.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new RunRequestException("missing parameter" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList())
                    + " (no default); pass -p NAME=VALUE");
        }
    }

    /** The IR form of {@link #checkParameters}: root {@code inputDefinitions}, typed as declared. */
    private static void checkIrParameters(RunPlan plan, Map<String, String> parameters) throws RunRequestException {
        ComponentIo io = plan.rootIo();
        List<String> names = plan.inputNames();
        for (String p : parameters.keySet()) {
            if (!names.contains(p)) {
                throw new RunRequestException("unknown parameter '" + p + "'; pipeline '" + plan.name()
                        + "' has inputs: " + (names.isEmpty() ? "(none)" : String.join(", ", names)));
            }
            ComponentIo.ParameterDef def = io.inputParameters().get(p);
            if (def != null) {
                try {
                    def.type().parse(parameters.get(p));
                } catch (ParameterTypeException e) {
                    throw new RunRequestException("parameter '" + p + "' of type " + def.type().pythonName() + ": " + e.getMessage());
                }
            }
        }
        JsonNode rootParams = plan.model().spec().path("root").path("inputDefinitions").path("parameters");
        for (String n : io.inputParameters().keySet()) {
            if (!parameters.containsKey(n) && rootParams.path(n).path("parameterType").asText("").equals("TASK_FINAL_STATUS")) {
                // a component with a PipelineTaskFinalStatus input compiled alone: KFP's executor
                // cannot start without the status, which only an exit handler is given
                throw new RunRequestException("input '" + n + "' is a PipelineTaskFinalStatus, which KFP gives only to the"
                        + " exit task of a dsl.ExitHandler; to run the component alone pass it, e.g. -p " + n
                        + "='{\"state\": \"COMPLETE\", \"pipelineTaskName\": \"t\", \"error\": {}}'");
            }
        }
        List<String> missing = new ArrayList<>();
        io.inputParameters().forEach((n, def) -> {
            if (!parameters.containsKey(n) && def.defaultValue() == null && !def.optional()) {
                missing.add(n);
            }
        });
        io.inputArtifacts().forEach((n, def) -> {
            if (!parameters.containsKey(n) && !def.optional()) {
                missing.add(n);
            }
        });
        if (!missing.isEmpty()) {
            throw new RunRequestException("missing parameter" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList())
                    + " (no default); pass -p NAME=VALUE");
        }
    }

    /** @return a new run id, {@code r-YYYYMMDD-HHMMSS-<6 hex>} (a DNS-1123 label) */
    public String newRunId() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return "r-" + ID_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(b);
    }

    /**
     * Writes {@code run.json} for {@code relay run}: {@code -p NAME=@PATH} is uploaded first to
     * {@code runs/<run>/inputs/<name>} (a directory: every file below it) and, like
     * {@code -p NAME=s3://…}, passed as an artifact reference (CONTRACTS.md "Run request": a file
     * input gets the object, a value input its URI); any other value is literal text.
     *
     * @param pipelineName name recorded in {@code run.json} (null: the spec's name)
     * @return the document written
     * @throws RunRequestException for an unknown or missing parameter, or an unreadable {@code @PATH}
     */
    public RunDoc submit(String runId, Prepared prepared, Map<String, String> parameters, RunDoc.Cause cause)
            throws RunRequestException {
        return submit(runId, prepared, parameters, cause, true);
    }

    /**
     * {@link #submit(String, Prepared, Map, RunDoc.Cause)} with the run's cache switch.
     *
     * @param cache false: no task of the run reads or fills the cache ({@code relay run --no-cache})
     */
    public RunDoc submit(String runId, Prepared prepared, Map<String, String> parameters, RunDoc.Cause cause,
                         boolean cache) throws RunRequestException {
        checkParameters(prepared.plan(), parameters);
        Map<String, String> params = new LinkedHashMap<>();
        List<String> references = new ArrayList<>();
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            String v = e.getValue();
            if (v.startsWith("@")) {
                params.put(e.getKey(), upload(runId, e.getKey(), Path.of(v.substring(1))));
                references.add(e.getKey());
            } else {
                if (v.startsWith("s3://")) {
                    checkReferenceShape(e.getKey(), v);
                    references.add(e.getKey());
                }
                params.put(e.getKey(), v);
            }
        }
        String version = HexFormat.of().formatHex(sha256(prepared.spec().toString().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        RunDoc doc = new RunDoc(runId,
                new RunDoc.PipelineRef(prepared.plan().name(), version, prepared.source().toString()),
                prepared.spec(), params, cause, Times.format(clock.instant()), format(prepared),
                cache ? null : Boolean.FALSE, pipelineRoot(prepared), warnings(runId, prepared), references);
        store.put(RunLayout.runJson(runId), Json.bytes(doc));
        return doc;
    }

    /**
     * Writes {@code run.json} for a request that came over the network (HTTP API, CloudEvent,
     * trigger): every parameter value is literal text (a leading {@code @} or {@code s3://} is text,
     * never a local file or an object), and the pipeline reference is the caller's (e.g. the
     * registry's name and version).
     *
     * @param ref the pipeline recorded in {@code run.json}; null: the spec's name and the sha256
     *     of the inlined spec, as {@link #submit(String, Prepared, Map, RunDoc.Cause)} does
     * @return the document written
     * @throws RunRequestException for an unknown or missing parameter
     */
    public RunDoc submitLiteral(String runId, Prepared prepared, Map<String, String> parameters, RunDoc.Cause cause,
                                RunDoc.PipelineRef ref) throws RunRequestException {
        return submitLiteral(runId, prepared, parameters, java.util.Set.of(), cause, ref);
    }

    /**
     * {@link #submitLiteral(String, Prepared, Map, RunDoc.Cause, RunDoc.PipelineRef)} where the
     * parameters named in {@code references} are explicit artifact references: their values are
     * {@code s3://bucket/key} URIs the caller has already admitted (the run API checks them against
     * the buckets and prefixes Relay owns or a loaded trigger watches; an upload trigger's
     * {@code {{ object.uri }}} is the object that fired it).
     *
     * @param references names of {@code parameters} whose values are artifact references
     * @throws RunRequestException for an unknown or missing parameter, or a reference that is not
     *     {@code s3://bucket/key}
     */
    public RunDoc submitLiteral(String runId, Prepared prepared, Map<String, String> parameters,
                                java.util.Set<String> references, RunDoc.Cause cause, RunDoc.PipelineRef ref)
            throws RunRequestException {
        checkParameters(prepared.plan(), parameters);
        List<String> refs = new ArrayList<>();
        for (String name : parameters.keySet()) {
            if (references.contains(name)) {
                checkReferenceShape(name, parameters.get(name));
                refs.add(name);
            }
        }
        RunDoc.PipelineRef pipeline = ref != null ? ref : defaultRef(prepared);
        RunDoc doc = new RunDoc(runId, pipeline, prepared.spec(), new LinkedHashMap<>(parameters), cause,
                Times.format(clock.instant()), format(prepared), null, pipelineRoot(prepared), warnings(runId, prepared), refs);
        store.put(RunLayout.runJson(runId), Json.bytes(doc));
        return doc;
    }

    /**
     * Checks that an artifact reference is {@code s3://bucket/key} with a key of plain segments (no
     * empty, {@code .} or {@code ..} segment, no leading {@code /}).
     *
     * @return the reference split as {@code [bucket, key]}
     * @throws RunRequestException naming the parameter
     */
    public static String[] checkReferenceShape(String name, String uri) throws RunRequestException {
        String rest = uri == null || !uri.startsWith("s3://") ? null : uri.substring("s3://".length());
        int slash = rest == null ? -1 : rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new RunRequestException("parameter '" + name + "': an artifact reference is s3://BUCKET/KEY, got '" + uri + "'");
        }
        String key = rest.substring(slash + 1);
        for (String seg : key.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new RunRequestException("parameter '" + name + "': the key of " + uri
                        + " has an empty, '.' or '..' segment");
            }
        }
        return new String[] {rest.substring(0, slash), key};
    }

    private static RunDoc.PipelineRef defaultRef(Prepared prepared) {
        String version = HexFormat.of().formatHex(sha256(prepared.spec().toString().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        return new RunDoc.PipelineRef(prepared.plan().name(), version, prepared.source().toString());
    }

    /** The format recorded in {@code run.json} ({@code kfp-v1-graph} or {@code kfp-v2-ir}). */
    private static String format(Prepared prepared) {
        return prepared.plan().format();
    }

    private static String pipelineRoot(Prepared prepared) {
        return prepared.plan().isIr() ? prepared.plan().model().model().pipelineRoot() : null;
    }

    /** The warnings recorded in {@code run.json}: a pipeline root outside this store's bucket. */
    private List<String> warnings(String runId, Prepared prepared) {
        String w = pipelineRootWarning(pipelineRoot(prepared), store.bucket(), runId);
        return w == null ? null : List.of(w);
    }

    /**
     * Reports a KFP {@code pipeline_root} that Relay will not write to: every artifact of a run lives
     * in the run's own layout in Relay's bucket ({@code s3://<bucket>/runs/<run>/}), so a root in
     * another bucket or store ({@code gs://…}, {@code s3://other/…}, a local path) is recorded only.
     *
     * @param pipelineRoot the IR's {@code defaultPipelineRoot}, or null
     * @param bucket       Relay's bucket
     * @param runId        the run
     * @return the warning, or null for no root or one in {@code bucket} ({@code s3://} or {@code minio://})
     */
    public static String pipelineRootWarning(String pipelineRoot, String bucket, String runId) {
        if (pipelineRoot == null || pipelineRoot.isBlank()) {
            return null;
        }
        for (String scheme : List.of("s3://", "minio://")) {
            String b = scheme + bucket;
            if (pipelineRoot.equals(b) || pipelineRoot.startsWith(b + "/")) {
                return null;
            }
        }
        return "pipeline root " + pipelineRoot + " is outside the Relay bucket '" + bucket
                + "': recorded, not written to; the run's artifacts go to s3://" + bucket + "/" + RunLayout.runPrefix(runId);
    }

    private String upload(String runId, String name, Path path) throws RunRequestException {
        String key = RunLayout.input(runId, name);
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> s = Files.walk(path)) {
                    for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
                        store.putFile(key + "/" + RunLayout.safeName(path.relativize(f).toString(), "file name"), f);
                    }
                }
            } else if (Files.isRegularFile(path)) {
                store.putFile(key, path);
            } else {
                throw new RunRequestException("parameter '" + name + "': no such file or directory: " + path);
            }
        } catch (IOException e) {
            throw new RunRequestException("parameter '" + name + "': cannot read " + path + ": " + e.getMessage());
        }
        return store.uri(key);
    }

    private static byte[] sha256(byte[] data) {
        return dev.relay.eventing.Sha256.digest(data);
    }
}
