package dev.relay.runner.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.store.ArtifactStore;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The body of the {@code job-status} function: writes the Failed {@code status.json} of an
 * execution whose Job failed before Relay's publisher could (docs/contracts.md, "attempts/&lt;n&gt;/status.json").
 *
 * <p>Input is the data of a Knative ApiServerSource event on a {@code batch/v1} Job: in
 * {@code Resource} mode the Job itself, in {@code Reference} mode {@code {kind, namespace, name,
 * apiVersion}} (the Job is then read from the API server). A Job with the condition
 * {@code Failed=True}, Relay's annotations and no {@code status.json} for its attempt gets one,
 * with the reason, in this order:
 * <ol>
 *   <li>{@code Evicted}: a pod with {@code status.reason: Evicted} or a {@code DisruptionTarget}
 *       condition (node pressure, preemption, the eviction API);</li>
 *   <li>{@code OOMKilled}: a container terminated with reason {@code OOMKilled};</li>
 *   <li>{@code LaunchFailed}: a container that could not be created or pulled
 *       ({@code ErrImagePull}, {@code ImagePullBackOff}, {@code InvalidImageName},
 *       {@code CreateContainerConfigError}, ...), or a pod none of whose containers ever started;</li>
 *   <li>{@code DeadlineExceeded}: the Failed condition's reason;</li>
 *   <li>{@code Error} otherwise.</li>
 * </ol>
 * Pods are found by the {@code job-name} label that the Job controller sets. The engine then
 * treats the status like any other: with attempts left it launches attempt n+1, which is how an
 * eviction is retried. Idempotent: a status already present is never overwritten.
 */
public final class JobStatusHandler {
    private static final Set<String> LAUNCH_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    private static final Set<String> LAUNCH_TERMINATED = Set.of("StartError", "ContainerCannotRun");

    private final KubernetesClient client;
    private final ArtifactStore store;
    private final Clock clock;

    /**
     * @param client reads Jobs (Reference mode) and pods
     * @param store  the Relay bucket
     */
    public JobStatusHandler(KubernetesClient client, ArtifactStore store, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What the handler did. */
    public enum Outcome {
        /** Not a Relay Job, or the Job is gone. */
        IGNORED,
        /** The Job has not failed (running or complete). */
        NOT_FAILED,
        /** The attempt's status.json exists already (the publisher wrote it, or an earlier event). */
        ALREADY_REPORTED,
        /** This call wrote the Failed status.json. */
        WRITTEN
    }

    /**
     * @param outcome what happened
     * @param job     {@code namespace/name} of the Job, or null when the event named none
     * @param key     the status.json key, when the Job is Relay's
     * @param status  the status written ({@link Outcome#WRITTEN} only), else null
     * @param detail  a sentence for the function's log
     */
    public record Result(Outcome outcome, String job, String key, AttemptStatus status, String detail) {}

    /**
     * Handles one event's data.
     *
     * @param data the CloudEvent's data: a Job (Resource mode) or a reference to one
     * @throws IllegalArgumentException when the data is not JSON, not about a {@code batch/v1}
     *     Job, or a Relay Job's annotations are not a valid run / task / attempt
     * @throws KubernetesClientException when the API server cannot be asked
     */
    public Result handle(byte[] data) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("the event data is not JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("the event data is not a JSON object");
        }
        String kind = tree.path("kind").asText("");
        String apiVersion = tree.path("apiVersion").asText("");
        if (!kind.equals("Job") || !apiVersion.equals("batch/v1")) {
            throw new IllegalArgumentException("the event is about " + (apiVersion.isEmpty() ? "?" : apiVersion) + " "
                    + (kind.isEmpty() ? "?" : kind) + ", not a batch/v1 Job");
        }
        if (tree.has("metadata")) {
            Job job;
            try {
                job = client.getKubernetesSerialization().unmarshal(tree.toString(), Job.class);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the event data is not a valid Job: " + e.getMessage());
            }
            return handle(job);
        }
        String ns = tree.path("namespace").asText("");
        String name = tree.path("name").asText("");
        if (ns.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("a Reference-mode event needs namespace and name, got " + tree);
        }
        Job job = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
        if (job == null) {
            return new Result(Outcome.IGNORED, ns + "/" + name, null, null, "the Job is gone");
        }
        return handle(job);
    }

    /**
     * Handles one Job's state.
     *
     * @throws IllegalArgumentException when a Relay Job's annotations are not a valid run / task / attempt
     */
    public Result handle(Job job) {
        String ns = job.getMetadata().getNamespace();
        String name = job.getMetadata().getName();
        String ref = ns + "/" + name;
        Map<String, String> ann = job.getMetadata().getAnnotations() == null ? Map.of() : job.getMetadata().getAnnotations();
        String runId = ann.get(JobNames.RUN);
        String task = ann.get(JobNames.TASK);
        String attemptText = ann.get(JobNames.ATTEMPT);
        if (runId == null || task == null || attemptText == null) {
            return new Result(Outcome.IGNORED, ref, null, null, "not a Relay Job (no relay.dev/run, task, attempt annotations)");
        }
        int attempt;
        try {
            attempt = Integer.parseInt(attemptText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Job " + ref + ": annotation " + JobNames.ATTEMPT + " '" + attemptText + "' is not a number");
        }
        String key;
        try {
            key = RunLayout.attemptStatus(runId, task, attempt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Job " + ref + ": " + e.getMessage());
        }
        JobCondition failed = condition(job, "Failed");
        if (failed == null) {
            return new Result(Outcome.NOT_FAILED, ref, key, null, "the Job has not failed");
        }
        if (store.stat(key).isPresent()) {
            return new Result(Outcome.ALREADY_REPORTED, ref, key, null, "the attempt wrote its status");
        }
        List<Pod> pods = ns == null ? List.of() : client.pods().inNamespace(ns).withLabel("job-name", name).list().getItems();
        Verdict v = classify(failed, pods);
        String startedAt = job.getStatus() != null && job.getStatus().getStartTime() != null
                ? normalize(job.getStatus().getStartTime()) : null;
        String finishedAt = failed.getLastTransitionTime() != null ? normalize(failed.getLastTransitionTime())
                : Times.format(clock.instant());
        AttemptStatus s = new AttemptStatus(runId, task, attempt, ExecutionPhase.Failed, v.exitCode(), v.reason(),
                v.message(), startedAt, finishedAt, Map.of());
        if (!store.putIfAbsent(key, Json.bytes(s))) {
            return new Result(Outcome.ALREADY_REPORTED, ref, key, null, "the attempt wrote its status meanwhile");
        }
        return new Result(Outcome.WRITTEN, ref, key, s, v.reason() + ": " + v.message());
    }

    /** A failure's reason, message and exit code. */
    record Verdict(String reason, String message, Integer exitCode) {}

    /** Decides the reason of a failed Job from its Failed condition and its pods (pure). */
    static Verdict classify(JobCondition failed, List<Pod> pods) {
        String jobReason = failed.getReason() == null ? "" : failed.getReason();
        String jobMessage = failed.getMessage() == null ? jobReason : failed.getMessage();
        Integer exitCode = null;
        for (Pod pod : pods) {
            ContainerStatus main = statuses(pod, false).stream().filter(c -> KubernetesJobLauncher.MAIN.equals(c.getName()))
                    .findFirst().orElse(null);
            if (main != null && main.getState() != null && main.getState().getTerminated() != null) {
                exitCode = main.getState().getTerminated().getExitCode();
            }
        }
        for (Pod pod : pods) {
            if (pod.getStatus() == null) {
                continue;
            }
            if ("Evicted".equals(pod.getStatus().getReason())) {
                return new Verdict(AttemptStatus.EVICTED, "pod " + pod.getMetadata().getName() + " was evicted: "
                        + orElse(pod.getStatus().getMessage(), "no message"), exitCode);
            }
            for (PodCondition c : pod.getStatus().getConditions() == null ? List.<PodCondition>of() : pod.getStatus().getConditions()) {
                if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())) {
                    return new Verdict(AttemptStatus.EVICTED, "pod " + pod.getMetadata().getName() + " was disrupted ("
                            + orElse(c.getReason(), "DisruptionTarget") + "): " + orElse(c.getMessage(), "no message"), exitCode);
                }
            }
        }
        for (Pod pod : pods) {
            for (ContainerStatus c : statuses(pod, true)) {
                for (var state : new io.fabric8.kubernetes.api.model.ContainerState[] {c.getState(), c.getLastState()}) {
                    if (state != null && state.getTerminated() != null && "OOMKilled".equals(state.getTerminated().getReason())) {
                        return new Verdict(AttemptStatus.OOM_KILLED, "container " + c.getName() + " of pod " + pod.getMetadata().getName()
                                + " ran out of memory (OOMKilled)", state.getTerminated().getExitCode());
                    }
                }
            }
        }
        boolean anyStarted = false;
        for (Pod pod : pods) {
            for (ContainerStatus c : statuses(pod, true)) {
                if (c.getState() != null && c.getState().getWaiting() != null
                        && LAUNCH_WAITING.contains(c.getState().getWaiting().getReason())) {
                    return new Verdict(AttemptStatus.LAUNCH_FAILED, "container " + c.getName() + " (" + c.getImage() + ") could not start: "
                            + c.getState().getWaiting().getReason() + ": " + orElse(c.getState().getWaiting().getMessage(), ""), null);
                }
                if (c.getState() != null && c.getState().getTerminated() != null
                        && LAUNCH_TERMINATED.contains(c.getState().getTerminated().getReason())) {
                    return new Verdict(AttemptStatus.LAUNCH_FAILED, "container " + c.getName() + " (" + c.getImage() + ") could not start: "
                            + c.getState().getTerminated().getReason() + ": " + orElse(c.getState().getTerminated().getMessage(), ""), null);
                }
                if ((c.getState() != null && (c.getState().getRunning() != null || c.getState().getTerminated() != null))
                        || (c.getLastState() != null && c.getLastState().getTerminated() != null)) {
                    anyStarted = true;
                }
            }
        }
        if (!pods.isEmpty() && !anyStarted) {
            String why = pods.stream().map(JobStatusHandler::pendingWhy).filter(Objects::nonNull).findFirst().orElse("no container started");
            return new Verdict(AttemptStatus.LAUNCH_FAILED, "the pod never started (" + why + "); the Job failed: " + jobMessage, null);
        }
        if ("DeadlineExceeded".equals(jobReason)) {
            return new Verdict(AttemptStatus.DEADLINE_EXCEEDED, "the Job ran longer than its activeDeadlineSeconds: " + jobMessage, exitCode);
        }
        return new Verdict(AttemptStatus.ERROR, "the Job failed (" + orElse(jobReason, "no reason") + "): " + jobMessage
                + (exitCode == null ? "" : "; container main exited with " + exitCode), exitCode);
    }

    private static String pendingWhy(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                return orElse(c.getReason(), "Unschedulable") + ": " + orElse(c.getMessage(), "");
            }
        }
        return null;
    }

    private static List<ContainerStatus> statuses(Pod pod, boolean withInit) {
        List<ContainerStatus> out = new ArrayList<>();
        if (pod.getStatus() == null) {
            return out;
        }
        if (withInit && pod.getStatus().getInitContainerStatuses() != null) {
            out.addAll(pod.getStatus().getInitContainerStatuses());
        }
        if (pod.getStatus().getContainerStatuses() != null) {
            out.addAll(pod.getStatus().getContainerStatuses());
        }
        return out;
    }

    private static JobCondition condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return null;
        }
        for (JobCondition c : job.getStatus().getConditions()) {
            if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
                return c;
            }
        }
        return null;
    }

    /** Kubernetes writes seconds ({@code 2024-05-14T14:00:21Z}); status.json wants milliseconds. */
    private static String normalize(String time) {
        try {
            return Times.format(Times.parse(time));
        } catch (RuntimeException e) {
            return time;
        }
    }

    private static String orElse(String s, String dflt) {
        return s == null || s.isEmpty() ? dflt : s;
    }
}
