package dev.relay.runner.k8s;

import dev.relay.runner.executor.ExecutorException;
import dev.relay.runner.executor.ExecutorLayout;
import dev.relay.runner.executor.PreparedExecution;
import dev.relay.runner.executor.V2Executor;
import dev.relay.runner.launch.ArgumentValue;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.ContainerSpec;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.Names;
import dev.relay.runner.spec.OutputSpec;
import dev.relay.runner.spec.PathProvider;
import dev.relay.runner.spec.ResolvedCommand;
import dev.relay.runner.spec.Resolver;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.store.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves one execution for a pod, the way {@link LocalLauncher} does for a process: the
 * component's placeholders become the exact argv (one element each, never shell text), with
 * {@code inputPath} files at {@code <dir>/inputs/<i>-<name>/data} and {@code outputPath} files at
 * {@code <dir>/outputs/<i>-<name>/data}, where {@code dir} is the pod's shared {@code emptyDir}.
 * An {@code inputValue} fed by an upstream artifact gets the artifact's content, read here.
 */
public final class PodPlanner {
    private PodPlanner() {}

    /**
     * A resolved execution.
     *
     * @param plan  what the fetch and publish steps do
     * @param image the component's image
     * @param argv  the user's command line, exact
     * @param env   the component's environment, exact
     */
    public record Planned(PodPlan plan, String image, List<String> argv, Map<String, String> env) {}

    /** The execution cannot be run as asked; {@code reason} is a CONTRACTS.md failure reason. */
    public static final class PlanException extends Exception {
        private final String reason;

        /** @param reason {@link AttemptStatus#LAUNCH_FAILED} or {@link AttemptStatus#INPUT_NOT_READABLE} */
        public PlanException(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        /** @return the failure reason for the execution's status.json */
        public String reason() {
            return reason;
        }
    }

    /**
     * Resolves {@code r}.
     *
     * @param dir   the emptyDir's mount path, absolute, e.g. {@code /relay}
     * @param store the Relay bucket, read only for artifacts consumed through {@code inputValue}
     * @throws PlanException for a component without a container or command, a placeholder that
     *     cannot be resolved (the spec layer's message), or an unreadable {@code inputValue} artifact
     */
    public static Planned plan(ExecutionRequest r, String dir, ArtifactStore store) throws PlanException {
        ComponentSpec c = r.component();
        ContainerSpec k = c.container();
        if (k == null) {
            throw new PlanException(AttemptStatus.LAUNCH_FAILED, "component '" + c.name() + "' has no container implementation");
        }
        Set<String> valueInputs = k.valueInputs();
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, ArgumentValue> e : r.arguments().entrySet()) {
            if (e.getValue() instanceof ArgumentValue.Artifact a) {
                values.put(e.getKey(), valueInputs.contains(e.getKey()) ? readText(store, a.uri(), e.getKey()) : a.uri());
            } else {
                values.put(e.getKey(), ((ArgumentValue.Value) e.getValue()).text());
            }
        }
        Map<String, String> outputKeys = new LinkedHashMap<>();
        try {
            for (OutputSpec o : c.outputs()) {
                outputKeys.put(o.name(), RunLayout.outputKey(r.runId(), r.task(), o));
            }
        } catch (IllegalArgumentException e) {
            throw new PlanException(AttemptStatus.LAUNCH_FAILED, e.getMessage());
        }
        List<String> inputNames = c.inputs().stream().map(InputSpec::name).toList();
        List<String> outputNames = c.outputs().stream().map(OutputSpec::name).toList();
        String[] uriProblem = new String[1];
        PathProvider paths = new PathProvider() {
            @Override
            public String inputPath(String input) {
                return dir + "/inputs/" + slot(inputNames, input) + "/data";
            }

            @Override
            public String outputPath(String output) {
                return dir + "/outputs/" + slot(outputNames, output) + "/data";
            }

            @Override
            public String inputUri(String input) {
                String uri = uriOf(r.arguments().get(input));
                if (uri == null) {
                    uriProblem[0] = "inputUri of '" + input + "' needs an artifact or an object reference ({\"uri\": \"s3://…\"}), not a text value";
                    return "";
                }
                return uri;
            }

            @Override
            public String outputUri(String output) {
                String key = outputKeys.get(output);
                if (key == null) {
                    uriProblem[0] = "unknown output '" + output + "'";
                    return "";
                }
                return store.uri(key);
            }
        };
        ResolvedCommand cmd;
        try {
            cmd = Resolver.resolve(c, values, paths);
        } catch (SpecException e) {
            throw new PlanException(AttemptStatus.LAUNCH_FAILED, e.getMessage());
        }
        if (uriProblem[0] != null) {
            throw new PlanException(AttemptStatus.LAUNCH_FAILED, uriProblem[0]);
        }
        if (cmd.argv().isEmpty()) {
            throw new PlanException(AttemptStatus.LAUNCH_FAILED, "component '" + c.name()
                    + "' has no command: Relay wraps the command to collect outputs and cannot know the image's entrypoint");
        }
        List<PodPlan.Input> inputs = new ArrayList<>();
        for (Map.Entry<String, String> e : cmd.inputPaths().entrySet()) {
            String uri = uriOf(r.arguments().get(e.getKey()));
            inputs.add(new PodPlan.Input(e.getKey(), e.getValue(), uri,
                    uri == null ? nullToEmpty(cmd.inputValues().get(e.getKey())) : null));
        }
        List<PodPlan.Output> outputs = new ArrayList<>();
        int copies = 0;
        for (Map.Entry<String, String> e : cmd.outputPaths().entrySet()) {
            String declared = e.getValue();
            if (!declared.startsWith("/")) {
                throw new PlanException(AttemptStatus.LAUNCH_FAILED, "output '" + e.getKey() + "' has the relative fileOutputs path '"
                        + declared + "'; Relay needs an absolute path in the container");
            }
            String staged = declared.startsWith(dir + "/") ? declared : dir + "/file-outputs/" + (copies++);
            OutputSpec o = c.output(e.getKey()).orElse(null);
            String key = outputKeys.get(e.getKey());
            if (key == null) {
                throw new PlanException(AttemptStatus.LAUNCH_FAILED, "fileOutputs names the undeclared output '" + e.getKey() + "'");
            }
            outputs.add(new PodPlan.Output(e.getKey(), staged, declared, key, o != null && (o.isMetrics() || o.isUiMetadata())));
        }
        PodPlan plan = new PodPlan(r.runId(), r.task(), r.attempt(), dir, inputs, outputs);
        return new Planned(plan, k.image(), cmd.argv(), cmd.env());
    }

    /** The directories under the shared dir that the user's container sees at KFP's paths (subPath mounts). */
    public static final java.util.Map<String, String> V2_MOUNTS = java.util.Map.of(
            "s3", "/s3", "minio", "/minio", "gcs", "/gcs", "kfp-outputs", "/tmp/kfp/outputs");

    /**
     * Resolves a KFP v2 execution for a pod with {@link V2Executor#prepare} and
     * {@link ExecutorLayout.Pod}: the executor input carries the store URIs and the program reads and
     * writes their local forms ({@code /s3/<bucket>/<key>}, output parameters in
     * {@code /tmp/kfp/outputs}), as under KFP's launcher. Those paths are subPath mounts of the shared
     * dir ({@link #V2_MOUNTS}), so the fetch step places inputs at {@code <dir>/s3/...} and the
     * publish step finds outputs there.
     *
     * @throws PlanException with the executor's reason when the execution cannot be prepared
     */
    public static Planned planV2(ExecutionRequest r, String dir, String bucket) throws PlanException {
        PreparedExecution p;
        try {
            p = V2Executor.prepare(r.v2(), new ExecutorLayout.Pod(bucket));
        } catch (ExecutorException e) {
            throw new PlanException(e.reason(), e.getMessage());
        }
        List<PodPlan.Input> inputs = new ArrayList<>();
        for (PreparedExecution.Download d : p.downloads()) {
            inputs.add(new PodPlan.Input(d.input(), inDir(dir, d.path()), d.storeUri(), null));
        }
        List<PodPlan.Parameter> params = new ArrayList<>();
        for (Map.Entry<String, String> e : p.outputParameters().entrySet()) {
            params.add(new PodPlan.Parameter(e.getKey(), r.v2().io().outputParameters().get(e.getKey()).type(),
                    inDir(dir, e.getValue())));
        }
        List<PodPlan.Artifact> arts = new ArrayList<>();
        for (PreparedExecution.OutputArtifact a : p.outputArtifacts().values()) {
            arts.add(new PodPlan.Artifact(a.name(), a.type(), inDir(dir, a.path()), a.storeKey()));
        }
        PodPlan.V2 v2 = new PodPlan.V2(inDir(dir, p.executorOutputFile()), params, arts);
        PodPlan plan = new PodPlan(r.runId(), r.task(), r.attempt(), dir, inputs, List.of(), v2,
                (r.backoff().toMillis() + 999) / 1000);
        return new Planned(plan, p.image(), p.argv(), p.env());
    }

    /** Where a KFP path of the user's container ({@code /s3/b/k}, {@code /tmp/kfp/outputs/x}) is under the shared dir. */
    static String inDir(String dir, String podPath) throws PlanException {
        if (podPath == null) {
            throw new PlanException(AttemptStatus.LAUNCH_FAILED, "an artifact URI with no local path in the pod");
        }
        for (Map.Entry<String, String> m : V2_MOUNTS.entrySet()) {
            if (podPath.startsWith(m.getValue() + "/")) {
                return dir + "/" + m.getKey() + podPath.substring(m.getValue().length());
            }
        }
        throw new PlanException(AttemptStatus.LAUNCH_FAILED, podPath + " is not under a path Relay mounts in the pod "
                + V2_MOUNTS.values());
    }

    private static String uriOf(ArgumentValue a) {
        if (a instanceof ArgumentValue.Artifact art) {
            return art.uri();
        }
        if (a instanceof ArgumentValue.Value v && v.object()) {
            return v.text();
        }
        return null;
    }

    private static String readText(ArtifactStore store, String uri, String input) throws PlanException {
        String prefix = "s3://" + store.bucket() + "/";
        if (!uri.startsWith(prefix) || uri.length() == prefix.length()) {
            throw new PlanException(AttemptStatus.INPUT_NOT_READABLE,
                    "input '" + input + "': " + uri + " is not an object in the bucket " + store.bucket());
        }
        try {
            return store.get(uri.substring(prefix.length())).map(b -> new String(b, StandardCharsets.UTF_8))
                    .orElseThrow(() -> new PlanException(AttemptStatus.INPUT_NOT_READABLE, "input not readable: " + uri));
        } catch (RuntimeException e) {
            throw new PlanException(AttemptStatus.INPUT_NOT_READABLE, "input not readable: " + uri + " (" + e.getMessage() + ")");
        }
    }

    /** A directory name for the i-th input/output, unique even when names sanitize alike (as {@link LocalLauncher}). */
    static String slot(List<String> names, String name) {
        int i = names.indexOf(name);
        return (i < 0 ? "x" : Integer.toString(i)) + "-" + Names.dnsLabel(name);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
