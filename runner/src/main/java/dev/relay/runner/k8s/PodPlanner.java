package dev.relay.runner.k8s;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.executor.ExecutorLayout;
import dev.relay.runner.executor.PreparedExecution;
import dev.relay.runner.executor.V2Executor;
import dev.relay.runner.launch.CommandStep;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.store.ArtifactStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans one execution's pod: the shared task → command step ({@link CommandStep}, the same one
 * {@code LocalLauncher} runs as a process) with {@code dir} the pod's shared {@code emptyDir}, turned
 * into what the pod's fetch and publish steps do ({@link PodPlan}). What is the pod's own: a
 * {@code fileOutputs} path outside the shared dir is staged under {@code <dir>/file-outputs/} by the
 * wrapper, and a v2 execution's KFP paths are subPath mounts of the shared dir ({@link #V2_MOUNTS}).
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

    /** The execution cannot be run as asked; {@code reason} is a docs/contracts.md failure reason. */
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
        CommandStep.V1 step;
        try {
            step = CommandStep.resolve(r, dir, store);
        } catch (CommandStep.StepException e) {
            throw new PlanException(e.reason(), e.getMessage());
        }
        List<PodPlan.Input> inputs = new ArrayList<>();
        for (CommandStep.Input in : step.inputs()) {
            inputs.add(new PodPlan.Input(in.name(), in.path(), in.uri(), in.text()));
        }
        List<PodPlan.Output> outputs = new ArrayList<>();
        int copies = 0;
        for (CommandStep.Output o : step.outputs()) {
            // a fileOutputs path outside the shared dir is copied into it by the wrapper, after the command
            String staged = o.path().startsWith(dir + "/") ? o.path() : dir + "/file-outputs/" + (copies++);
            outputs.add(new PodPlan.Output(o.name(), staged, o.path(), o.key(), o.optional()));
        }
        PodPlan plan = new PodPlan(r.runId(), r.task(), r.attempt(), dir, inputs, outputs);
        return new Planned(plan, r.component().container().image(), step.command().argv(), step.command().env());
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
            p = CommandStep.prepare(r, new ExecutorLayout.Pod(bucket));
        } catch (CommandStep.StepException e) {
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
}
