package dev.relay.runner.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KFP v2 executor contract for one execution: {@link #prepare} builds the executor input and the
 * exact argv before anything runs; {@link #collect} reads the output parameters and
 * {@code executor_output.json} after the program ended with exit code 0.
 *
 * <p>Follows KFP's backend ({@code backend/src/v2/driver} {@code provisionOutputs},
 * {@code component/launcher_v2.go} {@code getPlaceholders}, {@code collectOutputParameters},
 * {@code uploadOutputArtifacts}) and, for local paths, the SDK's {@code kfp.local}. Pure: no I/O in
 * {@code prepare}; {@code collect} reads only the execution's own files.
 */
public final class V2Executor {
    private V2Executor() {}

    /**
     * Prepares a container execution.
     *
     * @throws ExecutorException {@code LaunchFailed} naming the input when a parameter has the wrong
     *     type or no value, a required artifact is missing, a placeholder names an unknown input or
     *     output, or the executor is not a container
     */
    public static PreparedExecution prepare(ExecutorTask task, ExecutorLayout layout) {
        if (!(task.executor() instanceof ExecutorSpec.Container c)) {
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "executor '" + task.executor().label()
                    + "' is an importer, not a container: it is run by Importer");
        }
        TaskIdentity id = task.id();
        Map<String, JsonNode> params = inputParameters(task);
        String taskRoot = "s3://" + layout.bucket() + "/" + RunLayout.taskPrefix(id.runId(), id.taskPath());
        if (taskRoot.endsWith("/")) {
            taskRoot = taskRoot.substring(0, taskRoot.length() - 1);
        }
        String pipelineRoot = task.pipelineRoot() != null && !task.pipelineRoot().isEmpty() ? task.pipelineRoot()
                : "s3://" + layout.bucket() + "/" + RunLayout.runPrefix(id.runId()).replaceAll("/$", "");
        V2Placeholders.Context ctx0 = new V2Placeholders.Context(id, pipelineRoot, null, null, layout);
        // the compiler's runtime constants ({{$.pipeline_job_name}}…) and f-string parameters that
        // refer to other parameters of this executor: resolved in the values, as kfp.local does
        for (Map.Entry<String, JsonNode> e : params.entrySet()) {
            if (e.getValue() != null && e.getValue().isTextual() && e.getValue().asText().contains("{{$")) {
                ObjectNode partial = Json.MAPPER.createObjectNode();
                ObjectNode pv = partial.putObject("inputs").putObject("parameterValues");
                params.forEach((k, v) -> pv.set(k, v));
                partial.putObject("outputs").put("outputFile", "");
                e.setValue(TextNode.valueOf(V2Placeholders.resolve(e.getValue().asText(),
                        ctx0.withInput(partial), "input parameter '" + e.getKey() + "'")));
            }
        }

        ObjectNode input = Json.MAPPER.createObjectNode();
        ObjectNode inputs = Json.MAPPER.createObjectNode();
        ObjectNode pv = Json.MAPPER.createObjectNode();
        params.forEach((k, v) -> {
            if (v != null && !v.isNull()) {
                pv.set(k, v);
            }
        });
        if (!pv.isEmpty()) {
            inputs.set("parameterValues", pv);
        }
        List<PreparedExecution.Download> downloads = new ArrayList<>();
        ObjectNode ia = Json.MAPPER.createObjectNode();
        int slot = 0;
        for (Map.Entry<String, ComponentIo.ArtifactDef> e : task.io().inputArtifacts().entrySet()) {
            String name = e.getKey();
            List<InputArtifact> given = task.artifacts().get(name);
            if (given == null || given.isEmpty()) {
                if (!e.getValue().optional() && !e.getValue().list()) {
                    throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "input artifact '" + name + "' of task '"
                            + id.taskName() + "' has no artifact");
                }
                if (given == null) {
                    slot++;
                    continue;
                }
            }
            ArrayNode list = Json.MAPPER.createArrayNode();
            int i = 0;
            for (InputArtifact a : given) {
                String uri = layout.inputUri(slot, name, i, a.uri(), a.name());
                String path = layout.pathOf(uri);
                if (!isStoreUri(a.uri(), layout.bucket())) {
                    throw new ExecutorException(AttemptStatus.INPUT_NOT_READABLE, "input artifact '" + name + "': "
                            + a.uri() + " is not an object in Relay's bucket " + layout.bucket());
                }
                downloads.add(new PreparedExecution.Download(name, a.uri(), path));
                list.add(runtimeArtifact(a.name(), a.type(), uri, a.metadata()));
                i++;
            }
            ia.putObject(name).set("artifacts", list);
            slot++;
        }
        for (String name : task.artifacts().keySet()) {
            if (!task.io().inputArtifacts().containsKey(name)) {
                throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "task '" + id.taskName()
                        + "' gives the artifact input '" + name + "', which its component does not declare");
            }
        }
        if (!ia.isEmpty()) {
            inputs.set("artifacts", ia);
        }
        input.set("inputs", inputs);

        ObjectNode outputs = input.putObject("outputs");
        Map<String, String> paramFiles = new LinkedHashMap<>();
        if (!task.io().outputParameters().isEmpty()) {
            ObjectNode op = outputs.putObject("parameters");
            for (String name : task.io().outputParameters().keySet()) {
                String f = layout.outputParameterFile(name);
                paramFiles.put(name, f);
                op.putObject(name).put("outputFile", f);
            }
        }
        Map<String, PreparedExecution.OutputArtifact> outArts = new LinkedHashMap<>();
        if (!task.io().outputArtifacts().isEmpty()) {
            ObjectNode oa = outputs.putObject("artifacts");
            int oslot = 0;
            for (Map.Entry<String, ComponentIo.ArtifactDef> e : task.io().outputArtifacts().entrySet()) {
                String name = e.getKey();
                String key = RunLayout.output(id.runId(), id.taskPath(), name);
                String uri = layout.outputUri(oslot++, name, "s3://" + layout.bucket() + "/" + key);
                outArts.put(name, new PreparedExecution.OutputArtifact(name, e.getValue().type(), layout.pathOf(uri), uri, key));
                ArrayNode l = oa.putObject(name).putArray("artifacts");
                l.add(runtimeArtifact(name, e.getValue().type(), uri, Json.MAPPER.createObjectNode()));
            }
        }
        String outputFile = layout.executorOutputFile(taskRoot);
        outputs.put("outputFile", outputFile);

        V2Placeholders.Context ctx = ctx0.withInput(input);
        List<String> argv = new ArrayList<>();
        argv.addAll(V2Placeholders.resolveAll(c.command(), ctx, "command"));
        argv.addAll(V2Placeholders.resolveAll(c.args(), ctx, "args"));
        if (argv.isEmpty()) {
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "executor '" + c.label()
                    + "' has no command or args: Relay cannot know the entrypoint of the image " + c.image());
        }
        Map<String, String> env = new LinkedHashMap<>();
        c.env().forEach((k, v) -> env.put(k, V2Placeholders.resolve(v, ctx, "env " + k)));
        return new PreparedExecution(task, layout, c.image(), argv, env, input, downloads, paramFiles, outArts, outputFile);
    }

    /**
     * The typed input parameter values: the task's, else the definition's default; each checked
     * against its declared type.
     *
     * @return name → value, in definition order, then any parameter the task adds (the compiler's
     *     {@code pipelinechannel--…} inputs of an f-string)
     * @throws ExecutorException {@code LaunchFailed} naming the parameter and the expected type
     */
    public static Map<String, JsonNode> inputParameters(ExecutorTask task) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, ComponentIo.ParameterDef> e : task.io().inputParameters().entrySet()) {
            String name = e.getKey();
            ComponentIo.ParameterDef def = e.getValue();
            JsonNode v = task.parameters().get(name);
            if (v == null || v.isNull()) {
                v = def.defaultValue();
            }
            if (v == null || v.isNull()) {
                if (!def.optional()) {
                    throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "input parameter '" + name + "' of task '"
                            + task.id().taskName() + "' has no value and no default");
                }
                continue;
            }
            try {
                out.put(name, def.type().coerce(v));
            } catch (ParameterTypeException x) {
                throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "input parameter '" + name + "' of task '"
                        + task.id().taskName() + "': " + x.getMessage());
            }
        }
        task.parameters().forEach((k, v) -> {
            if (!out.containsKey(k) && !task.io().inputParameters().containsKey(k) && v != null && !v.isNull()) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Reads what a finished execution (exit code 0) produced: {@code executor_output.json} first
     * (its parameter values win, its artifact metadata is kept), then each remaining output
     * parameter from its file, typed as declared (KFP's {@code collectOutputParameters}). An output
     * artifact the program did not write is no error (KFP allows it); its metadata is still recorded.
     *
     * @throws ExecutorException {@code OutputMissing} for an output parameter whose file is absent,
     *     {@code Error} for a value of the wrong type or an unreadable {@code executor_output.json}
     */
    public static ExecutorResult collect(PreparedExecution p) {
        Map<String, ParameterType> types = new LinkedHashMap<>();
        p.task().io().outputParameters().forEach((k, v) -> types.put(k, v.type()));
        return collect(types, p.outputParameters(), p.outputArtifacts().values(), p.executorOutputFile());
    }

    /**
     * {@link #collect(PreparedExecution)} from its parts, where the execution ran elsewhere (a
     * Kubernetes pod's publish step, with the files under its shared directory).
     *
     * @param types     output parameter name → declared type
     * @param files     output parameter name → its file
     * @param artifacts the declared output artifacts, with the paths where the program wrote them
     * @param executorOutputFile where the program may have written {@code executor_output.json}
     */
    public static ExecutorResult collect(Map<String, ParameterType> types, Map<String, String> files,
                                         java.util.Collection<PreparedExecution.OutputArtifact> artifacts,
                                         String executorOutputFile) {
        ObjectNode out = readExecutorOutput(executorOutputFile);
        Map<String, JsonNode> params = new LinkedHashMap<>();
        JsonNode given = out.path("parameterValues");
        for (Map.Entry<String, ParameterType> e : types.entrySet()) {
            String name = e.getKey();
            ParameterType type = e.getValue();
            String what = "output parameter '" + name + "'";
            try {
                if (given.has(name)) {
                    params.put(name, type.coerce(given.get(name)));
                    continue;
                }
                Path f = Path.of(files.get(name));
                if (!Files.isRegularFile(f)) {
                    throw new ExecutorException(AttemptStatus.OUTPUT_MISSING, what + " was not written to " + f);
                }
                String text = Files.readString(f, StandardCharsets.UTF_8);
                params.put(name, type.parse(text));
            } catch (ParameterTypeException x) {
                throw new ExecutorException(AttemptStatus.ERROR, what + ": " + x.getMessage());
            } catch (IOException x) {
                throw new ExecutorException(AttemptStatus.OUTPUT_MISSING, what + ": cannot read its file: " + x.getMessage());
            }
        }
        Map<String, ExecutorResult.Artifact> arts = new LinkedHashMap<>();
        for (PreparedExecution.OutputArtifact a : artifacts) {
            ObjectNode md = Json.MAPPER.createObjectNode();
            JsonNode list = out.path("artifacts").path(a.name()).path("artifacts");
            if (list.isArray() && list.size() > 0 && list.get(0).path("metadata").isObject()) {
                md.setAll((ObjectNode) list.get(0).get("metadata"));
            }
            String path = a.path() != null && Files.exists(Path.of(a.path())) ? a.path() : null;
            if (path == null && list.isArray() && list.size() > 0) {
                // Output[T].set_path(p): KFP's launcher uploads from the custom path the program chose
                String custom = list.get(0).path("custom_path").asText("");
                path = !custom.isEmpty() && Files.isRegularFile(Path.of(custom)) ? custom
                        : returnedPath(list.get(0).path("uri").asText(""), executorOutputFile);
            }
            arts.put(a.name(), new ExecutorResult.Artifact(a.name(), a.type(), path, a.storeKey(), md));
        }
        return new ExecutorResult(params, arts);
    }

    /**
     * Where a returned artifact was written when the program chose its URI (a component that
     * returns {@code Artifact(uri=dsl.get_uri(), ...)}: the SDK's task root is the directory of the
     * output file, its URI that path or KFP's {@code s3://}/{@code minio://}/{@code gs://} form of a
     * mounted one). Only a file inside that directory is taken, so no other file of the host or pod is
     * published; the artifact is still stored in the run's layout.
     *
     * @return the file, or null
     */
    static String returnedPath(String uri, String executorOutputFile) {
        String local = uri;
        for (String[] m : new String[][] {{"s3://", "/s3/"}, {"minio://", "/minio/"}, {"gs://", "/gcs/"}}) {
            if (uri.startsWith(m[0])) {
                local = m[1] + uri.substring(m[0].length());
            }
        }
        if (!local.startsWith("/")) {
            return null;
        }
        Path root = Path.of(executorOutputFile).toAbsolutePath().normalize().getParent();
        Path f = Path.of(local).normalize();
        return root != null && f.startsWith(root) && !f.equals(root) && Files.exists(f) ? f.toString() : null;
    }

    private static ObjectNode readExecutorOutput(String file) {
        Path f = Path.of(file);
        if (!Files.isRegularFile(f)) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(f));
            if (n instanceof ObjectNode o) {
                return o;
            }
            throw new ExecutorException(AttemptStatus.ERROR, "executor output " + f + ": expected a JSON object");
        } catch (IOException e) {
            throw new ExecutorException(AttemptStatus.ERROR, "executor output " + f + " is not valid JSON: " + dev.relay.eventing.input.SafeJson.describe(e));
        }
    }

    static ObjectNode runtimeArtifact(String name, ArtifactType type, String uri, ObjectNode metadata) {
        ObjectNode a = Json.MAPPER.createObjectNode();
        a.put("name", name == null ? "" : name);
        a.set("type", type.toJson());
        a.put("uri", uri);
        a.set("metadata", metadata == null ? Json.MAPPER.createObjectNode() : metadata.deepCopy());
        return a;
    }

    private static boolean isStoreUri(String uri, String bucket) {
        return uri.startsWith("s3://" + bucket + "/");
    }
}
