package dev.relay.runner.launch;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.executor.ExecutorException;
import dev.relay.runner.executor.ExecutorLayout;
import dev.relay.runner.executor.PreparedExecution;
import dev.relay.runner.executor.V2Executor;
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
import dev.relay.runner.store.ReadWait;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one task → command step shared by every launcher ({@link LocalLauncher} for a local process,
 * {@code k8s.PodPlanner} for a pod): from an {@link ExecutionRequest} to the exact argv, env, the
 * files to place before the command and the outputs to publish after it. The launchers differ only
 * in where the process runs: the step is given the directory the command sees as its own
 * ({@code dir}: the local work dir, or the pod's shared {@code emptyDir}).
 *
 * <p>KFP v1 ({@link #resolve}): the input-value map (an artifact feeding an {@code inputValue} is
 * read, waiting for it to become readable: {@link ReadWait#DEFAULT}), {@code inputPath} files at
 * {@code <dir>/inputs/<i>-<name>/data}, {@code outputPath} files at
 * {@code <dir>/outputs/<i>-<name>/data}, {@code inputUri} of an artifact or an {@code s3://}
 * value, {@code outputUri} the output's object in the Relay bucket ({@link RunLayout#outputKey}).
 * KFP v2 ({@link #prepare}): {@link V2Executor#prepare} with the launcher's {@link ExecutorLayout}.
 */
public final class CommandStep {
    private CommandStep() {}

    /**
     * A KFP v1 execution, resolved.
     *
     * @param command the spec layer's resolution: argv (never empty), env, every path and value
     * @param inputs  the {@code inputPath} files to place before the command starts, in argv order
     * @param outputs the outputs the command writes (its {@code fileOutputs}, then its {@code outputPath}s)
     */
    public record V1(ResolvedCommand command, List<Input> inputs, List<Output> outputs) {
        /** Copies the lists. */
        public V1 {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    /**
     * One {@code inputPath} file.
     *
     * @param name the input's name as declared
     * @param path where the command reads it (under {@code dir})
     * @param uri  {@code s3://bucket/key} of the object (or directory prefix) to download, or null
     *             when the file's content is {@code text}
     * @param text the file's content when {@code uri} is null (a constant or a parameter value; "" for none)
     */
    public record Input(String name, String path, String uri, String text) {}

    /**
     * One output the command writes.
     *
     * @param name     the output's name as declared
     * @param path     the absolute path the command writes to: under {@code dir} for an
     *                 {@code outputPath}, anywhere for a {@code fileOutputs} entry
     * @param key      the object key it is published to
     * @param optional true for the metrics and UI-metadata outputs, which KFP lets a program skip
     */
    public record Output(String name, String path, String key, boolean optional) {}

    /** The execution cannot be run as asked; {@link #reason()} is a docs/contracts.md failure reason. */
    public static final class StepException extends Exception {
        private final String reason;

        /** @param reason e.g. {@link AttemptStatus#LAUNCH_FAILED} or {@link AttemptStatus#INPUT_NOT_READABLE} */
        public StepException(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        /** @return the failure reason for the execution's status.json */
        public String reason() {
            return reason;
        }
    }

    /**
     * Resolves a KFP v1 execution for a command that sees {@code dir} as its own directory.
     *
     * @param dir   absolute, without a trailing {@code /} (e.g. {@code /relay} in a pod)
     * @param store the Relay bucket: read for artifacts consumed through {@code inputValue}, and
     *              naming the {@code outputUri}s
     * @throws StepException {@code LaunchFailed} for a component without a container or command, a
     *     placeholder that cannot be resolved (the spec layer's message), an {@code inputUri} of a
     *     plain value, an output key the layout refuses or a relative {@code fileOutputs} path;
     *     {@code InputNotReadable} for an {@code inputValue} artifact that stays unreadable
     */
    public static V1 resolve(ExecutionRequest r, String dir, ArtifactStore store) throws StepException {
        ComponentSpec c = r.component();
        ContainerSpec k = c == null ? null : c.container();
        if (k == null) {
            throw new StepException(AttemptStatus.LAUNCH_FAILED, "component '" + (c == null ? r.task() : c.name())
                    + "' has no container implementation");
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
            throw new StepException(AttemptStatus.LAUNCH_FAILED, e.getMessage());
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
                if (uri == null && uriProblem[0] == null) {
                    uriProblem[0] = "inputUri of '" + input + "' needs an artifact or an s3:// value";
                }
                return uri == null ? "" : uri;
            }

            @Override
            public String outputUri(String output) {
                String key = outputKeys.get(output);
                if (key == null && uriProblem[0] == null) {
                    uriProblem[0] = "unknown output '" + output + "'";
                }
                return key == null ? "" : store.uri(key);
            }
        };
        ResolvedCommand cmd;
        try {
            cmd = Resolver.resolve(c, values, paths);
        } catch (SpecException e) {
            throw new StepException(AttemptStatus.LAUNCH_FAILED, e.getMessage());
        }
        if (uriProblem[0] != null) {
            throw new StepException(AttemptStatus.LAUNCH_FAILED, uriProblem[0]);
        }
        if (cmd.argv().isEmpty()) {
            throw new StepException(AttemptStatus.LAUNCH_FAILED, "component '" + c.name() + "' has no command: it relies"
                    + " on its image's entrypoint, which Relay cannot know (it runs the command itself, between"
                    + " fetching the inputs and publishing the outputs)");
        }
        List<Input> inputs = new ArrayList<>();
        for (Map.Entry<String, String> e : cmd.inputPaths().entrySet()) {
            String uri = uriOf(r.arguments().get(e.getKey()));
            String text = cmd.inputValues().get(e.getKey());
            inputs.add(new Input(e.getKey(), e.getValue(), uri, uri == null ? (text == null ? "" : text) : null));
        }
        List<Output> outputs = new ArrayList<>();
        for (Map.Entry<String, String> e : cmd.outputPaths().entrySet()) {
            String path = e.getValue();
            if (!path.startsWith("/")) {
                throw new StepException(AttemptStatus.LAUNCH_FAILED, "output '" + e.getKey()
                        + "' has the relative fileOutputs path '" + path + "'; Relay needs an absolute path in the container");
            }
            String key = outputKeys.get(e.getKey());
            if (key == null) {
                throw new StepException(AttemptStatus.LAUNCH_FAILED, "fileOutputs names the undeclared output '" + e.getKey() + "'");
            }
            Optional<OutputSpec> o = c.output(e.getKey());
            boolean optional = o.map(s -> s.isMetrics() || s.isUiMetadata()).orElse(false);
            outputs.add(new Output(e.getKey(), path, key, optional));
        }
        return new V1(cmd, inputs, outputs);
    }

    /**
     * Prepares a KFP v2 execution with {@link V2Executor#prepare}: the executor input with the
     * paths {@code layout} gives (a local work dir, or KFP's {@code /s3/...} paths in a pod).
     *
     * @throws StepException with the executor's reason when the execution cannot be prepared
     */
    public static PreparedExecution prepare(ExecutionRequest r, ExecutorLayout layout) throws StepException {
        if (r.v2() == null) {
            throw new StepException(AttemptStatus.LAUNCH_FAILED, "execution " + r.executionId() + " is not a KFP v2 execution");
        }
        try {
            return V2Executor.prepare(r.v2(), layout);
        } catch (ExecutorException e) {
            throw new StepException(e.reason(), e.getMessage());
        }
    }

    /** @return the object URI an argument names (an artifact, or an {@code s3://} value), or null for a plain value */
    public static String uriOf(ArgumentValue a) {
        if (a instanceof ArgumentValue.Artifact art) {
            return art.uri();
        }
        if (a instanceof ArgumentValue.Value v && v.text().startsWith("s3://")) {
            return v.text();
        }
        return null;
    }

    /**
     * @return the object key of {@code uri} in the Relay bucket
     * @throws StepException {@code InputNotReadable} when {@code uri} is not
     *     {@code s3://<store's bucket>/<non-empty key>}
     */
    public static String keyOf(ArtifactStore store, String uri, String input) throws StepException {
        String prefix = "s3://" + store.bucket() + "/";
        if (uri == null || !uri.startsWith(prefix) || uri.length() == prefix.length()) {
            throw new StepException(AttemptStatus.INPUT_NOT_READABLE,
                    "input '" + input + "': " + uri + " is not an object in the bucket " + store.bucket());
        }
        return uri.substring(prefix.length());
    }

    /** Reads an artifact consumed through {@code inputValue} as UTF-8, waiting for it to become readable. */
    private static String readText(ArtifactStore store, String uri, String input) throws StepException {
        String key = keyOf(store, uri, input);
        String[] text = new String[1];
        boolean read;
        try {
            read = ReadWait.DEFAULT.await(() -> {
                Optional<byte[]> b = store.get(key);
                b.ifPresent(bytes -> text[0] = new String(bytes, StandardCharsets.UTF_8));
                return b.isPresent();
            });
        } catch (RuntimeException e) {
            throw new StepException(AttemptStatus.INPUT_NOT_READABLE, "input not readable: " + uri + " (" + e.getMessage() + ")");
        }
        if (!read) {
            throw new StepException(AttemptStatus.INPUT_NOT_READABLE, "input not readable: " + uri);
        }
        return text[0];
    }

    /** A directory name for the i-th input/output, unique even when names sanitize alike. */
    static String slot(List<String> names, String name) {
        int i = names.indexOf(name);
        return (i < 0 ? "x" : Integer.toString(i)) + "-" + Names.dnsLabel(name);
    }
}
