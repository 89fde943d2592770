package dev.relay.runner.k8s;

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
 */
public record PodPlan(String runId, String task, int attempt, String dir, List<Input> inputs, List<Output> outputs) {
    /** Copies the lists; null lists become empty. */
    public PodPlan {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

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
