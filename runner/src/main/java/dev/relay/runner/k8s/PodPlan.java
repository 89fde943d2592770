package dev.relay.runner.k8s;

import dev.relay.runner.executor.ArtifactType;
import dev.relay.runner.executor.ParameterType;
import java.util.List;

/**
 * What Relay's containers in an execution's pod do, handed to them as JSON in the environment
 * variable {@code RELAY_POD_PLAN} ({@link PodSteps}). The user's argv is not in here: it is the
 * main container's {@code args}, visible in the Job.
 *
 * @param runId   the run id
 * @param task    the task name (a DNS-1123 label)
 * @param attempt 1-based
 * @param dir     the shared {@code emptyDir}'s mount path in every container ({@code /relay})
 * @param inputs  files the fetch step places before the user's command starts
 * @param outputs files or directories the publish step uploads after it ends with exit code 0
 * @param v2      for a KFP v2 execution: what the publish step collects (output parameters,
 *                {@code executor_output.json}, artifacts with their type and metadata), else null
 * @param backoffSeconds the retry backoff the fetch step waits, after placing the inputs and before
 *                the user's command can start (0 for none)
 */
public record PodPlan(String runId, String task, int attempt, String dir, List<Input> inputs, List<Output> outputs,
                      V2 v2, long backoffSeconds) {
    /** Copies the lists; null lists become empty. */
    public PodPlan {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** A KFP v1 execution without backoff. */
    public PodPlan(String runId, String task, int attempt, String dir, List<Input> inputs, List<Output> outputs) {
        this(runId, task, attempt, dir, inputs, outputs, null, 0);
    }

    /**
     * What a KFP v2 execution leaves for the publish step (paths are under {@code dir}, where the
     * user's container sees them at KFP's paths: {@code dir/s3/...} is {@code /s3/...},
     * {@code dir/kfp-outputs/<name>} is {@code /tmp/kfp/outputs/<name>}).
     *
     * @param executorOutputFile where the program may write {@code executor_output.json}
     * @param parameters         output parameters: name → type and file
     * @param artifacts          output artifacts: type, path, object key
     */
    public record V2(String executorOutputFile, List<Parameter> parameters, List<Artifact> artifacts) {
        /** Copies the lists. */
        public V2 {
            parameters = parameters == null ? List.of() : List.copyOf(parameters);
            artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        }
    }

    /** One output parameter: its IR type and its file under {@code dir}. */
    public record Parameter(String name, ParameterType type, String file) {}

    /** One output artifact: its type, its path under {@code dir}, the object key it is published to. */
    public record Artifact(String name, ArtifactType type, String path, String key) {}

    /**
     * One {@code inputPath} input.
     *
     * @param name the input's name as declared
     * @param path the absolute path in the pod (under {@code dir}) the program reads
     * @param uri  {@code s3://bucket/key} of an object (or a prefix of a directory artifact) to
     *             download, or null when the content is {@code text}
     * @param text the file's content when {@code uri} is null (a constant or a parameter value)
     */
    public record Input(String name, String path, String uri, String text) {}

    /**
     * One output to publish.
     *
     * @param name         the output's name as declared
     * @param path         where the publish step finds it: under {@code dir}, either the path the
     *                     program wrote to ({@code outputPath}) or where the wrapper copied a
     *                     {@code fileOutputs} path
     * @param declaredPath the path the program writes to (differs from {@code path} for a
     *                     {@code fileOutputs} entry outside {@code dir}, e.g. {@code /mlpipeline-metrics.json})
     * @param key          the object key it is published to
     * @param optional     true for the metrics and UI-metadata outputs, which KFP lets a program skip
     */
    public record Output(String name, String path, String declaredPath, String key, boolean optional) {
        /** @return whether the wrapper copies {@code declaredPath} to {@code path} after the command */
        public boolean copied() {
            return !path.equals(declaredPath);
        }
    }
}
