package dev.relay.runner.k8s;

import dev.relay.runner.argo.ArgoPodFields;
import dev.relay.runner.launch.AttemptDeadline;
import dev.relay.runner.launch.Durations;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.executor.ExecutorSpec;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Importer;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.store.ArtifactStore;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Launches each execution as one {@code batch/v1} Job (docs/architecture.md §1, §9), with fabric8.
 *
 * <p>The Job: named by {@link JobNames#jobName}; labels {@code relay.dev/run}, {@code relay.dev/task},
 * {@code relay.dev/attempt} ({@link JobNames#labelValue}) with the original names in annotations of
 * the same keys; {@code backoffLimit: 0} (a retry is Relay's: a new attempt, a new Job);
 * {@code activeDeadlineSeconds} from the task annotation {@code relay.dev/timeout};
 * {@code ttlSecondsAfterFinished}. Its pod ({@code restartPolicy: Never}, ServiceAccount
 * {@code relay-launcher} without an API token) shares one {@code emptyDir} at {@value #DIR}:
 * <ol>
 *   <li>init container {@code relay-fetch} (Relay's launcher image, Java): writes the POSIX
 *       wrapper script, downloads the {@code inputPath} inputs, creates output directories;</li>
 *   <li>native sidecar {@code relay-publish} (an init container with {@code restartPolicy: Always},
 *       Kubernetes &ge; 1.29): waits for the wrapper's exit code, then publishes outputs,
 *       metadata, the log and, last, {@code status.json};</li>
 *   <li>container {@code main}: the component's own image runs {@code /bin/sh
 *       /relay/bin/relay-wrap.sh ARGV...}: the resolved argv as {@code args}, one element per
 *       placeholder, never shell text; the wrapper tees the log, records the exit code, waits
 *       for the publisher and exits with the command's code. CPU and memory from
 *       {@code relay.dev/cpu} and {@code relay.dev/memory} (requests = limits).</li>
 * </ol>
 * MinIO's keys reach Relay's containers from the Secret by reference ({@code secretKeyRef}); the
 * user's container gets none. Kubernetes expands {@code $(VAR)} in {@code args} and {@code env}:
 * every {@code $} is written as {@code $$} so values reach the program byte for byte.
 *
 * <p>Launching is idempotent: a 409 for a Job with this execution's labels means it was launched
 * before; a 409 for a Job with other labels is a {@link LaunchException}. A Job is never replaced.
 * An execution that cannot be resolved (unknown input, missing command, bad annotation) gets a
 * Failed {@code status.json} with reason {@code LaunchFailed} instead of a Job.
 */
public final class KubernetesJobLauncher implements Launcher, dev.relay.runner.recovery.RemoteExecutions {
    /** Mount path of the shared emptyDir in every container of the pod. */
    public static final String DIR = "/relay";
    /** Name of the shared volume. */
    public static final String VOLUME = "relay";
    /** Name of the user's container. */
    public static final String MAIN = "main";
    /** Name of the fetch init container. */
    public static final String FETCH = "relay-fetch";
    /** Name of the publishing native sidecar. */
    public static final String PUBLISH = "relay-publish";
    /** Task annotation: {@code activeDeadlineSeconds} as a duration ({@code 30m}, {@code 2h}, {@code 90s}, seconds). */
    public static final String TIMEOUT = AttemptDeadline.TIMEOUT;
    /** Task annotation: CPU of the user's container, a Kubernetes quantity ({@code 500m}, {@code 2}). */
    public static final String CPU = "relay.dev/cpu";
    /** Task annotation: memory of the user's container, a Kubernetes quantity ({@code 512Mi}, {@code 2Gi}). */
    public static final String MEMORY = "relay.dev/memory";
    /** Annotation with the execution id {@code <run>/<task>/<attempt>}. */
    public static final String EXECUTION = "relay.dev/execution";

    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?([numkMGTPE]|[KMGTPE]i)?|[0-9]+(\\.[0-9]+)?[eE][0-9]+");

    private final KubernetesClient client;
    private final KubernetesLauncherConfig config;
    private final ArtifactStore store;
    private final Clock clock;

    /**
     * @param client a client for the cluster (its namespace is not used: {@code config.namespace()} is)
     * @param config namespace, images, MinIO endpoint, bucket, Secret
     * @param store  the Relay bucket as this process reaches it: read for {@code inputValue}
     *               artifacts, written for executions that cannot launch
     */
    public KubernetesJobLauncher(KubernetesClient client, KubernetesLauncherConfig config, ArtifactStore store, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!config.bucket().equals(store.bucket())) {
            throw new IllegalArgumentException("the store's bucket " + store.bucket() + " is not RELAY_BUCKET " + config.bucket());
        }
    }

    /** An execution could not be launched for a reason a retry of the event may fix (the API server said no). */
    public static final class LaunchException extends RuntimeException {
        /** @param message names the Job and the namespace */
        public LaunchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Deletes the run's Jobs that have not finished (label {@code relay.dev/run}; background
     * propagation, so their pods are killed). A deleted Job's attempt may be left without a
     * {@code status.json}: the run's own Canceled status is the record.
     *
     * @throws LaunchException when the API server cannot be asked
     */
    @Override
    public int cancel(String runId) {
        try {
            int n = 0;
            for (Job j : client.batch().v1().jobs().inNamespace(config.namespace())
                    .withLabel(JobNames.RUN, JobNames.labelValue(runId)).list().getItems()) {
                boolean done = j.getStatus() != null && ((j.getStatus().getSucceeded() != null && j.getStatus().getSucceeded() > 0)
                        || (j.getStatus().getFailed() != null && j.getStatus().getFailed() > 0));
                if (!done) {
                    client.batch().v1().jobs().inNamespace(config.namespace()).withName(j.getMetadata().getName())
                            .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
                    n++;
                }
            }
            return n;
        } catch (KubernetesClientException e) {
            throw new LaunchException("cannot delete the Jobs of run " + runId + " in namespace " + config.namespace()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the execution's Job.
     *
     * @return true if the Job was created now (or a LaunchFailed status written now), false if
     *     it existed already with this execution's labels (or the status did)
     * @throws LaunchException when the API server refuses the Job, or a Job of that name belongs
     *     to another execution
     */
    /** @return the log of the running Job's pod ({@link PodLogs}) */
    @Override
    public dev.relay.runner.launch.LiveLog liveLog() {
        return new PodLogs(client, config.namespace());
    }

    /** Jobs: a launch's intent record says {@code kubernetes}; the job-status handler reports their end. */
    @Override
    public String kind() {
        return dev.relay.runner.recovery.LaunchIntents.KUBERNETES;
    }

    /**
     * Whether the attempt's Job ({@link JobNames#jobName}) exists in the namespace and is not being
     * deleted; the sweep takes an attempt with no status and no Job for lost.
     *
     * @throws LaunchException when the API server cannot be asked
     */
    @Override
    public boolean exists(String runId, String task, int attempt) {
        String name = JobNames.jobName(runId, task, attempt);
        Job j;
        try {
            j = client.batch().v1().jobs().inNamespace(config.namespace()).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new LaunchException("cannot read Job " + name + " in namespace " + config.namespace() + ": " + e.getMessage(), e);
        }
        return j != null && j.getMetadata().getDeletionTimestamp() == null;
    }

    @Override
    public boolean launch(ExecutionRequest r) {
        if (r.isV2() && r.v2().executor() instanceof ExecutorSpec.Importer) {
            // an importer runs no container: it is decided here and its status written at once
            AttemptStatus s = Importer.run(r.v2(), store, clock);
            String key = RunLayout.attemptStatus(r.runId(), r.task(), r.attempt());
            if (store.stat(key).isPresent()) {
                return false;
            }
            store.put(RunLayout.attemptLog(r.runId(), r.task(), r.attempt()), ("relay: " + (s.phase() == ExecutionPhase.Succeeded
                    ? "imported " + s.outputs().get(Importer.OUTPUT).uri() : s.message()) + "\n").getBytes(StandardCharsets.UTF_8));
            return store.putIfAbsent(key, Json.bytes(s));
        }
        Job job;
        try {
            job = job(r);
        } catch (PodPlanner.PlanException e) {
            return failBeforeLaunch(r, e.reason(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return failBeforeLaunch(r, AttemptStatus.LAUNCH_FAILED, e.getMessage());
        }
        String name = job.getMetadata().getName();
        try {
            client.batch().v1().jobs().inNamespace(config.namespace()).resource(job).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw new LaunchException("cannot create Job " + name + " in namespace " + config.namespace()
                        + ": " + e.getMessage(), e);
            }
        }
        Job existing;
        try {
            existing = client.batch().v1().jobs().inNamespace(config.namespace()).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new LaunchException("Job " + name + " exists in namespace " + config.namespace()
                    + " but cannot be read: " + e.getMessage(), e);
        }
        Map<String, String> want = job.getMetadata().getLabels();
        Map<String, String> have = existing == null || existing.getMetadata().getLabels() == null
                ? Map.of() : existing.getMetadata().getLabels();
        for (String k : List.of(JobNames.RUN, JobNames.TASK, JobNames.ATTEMPT)) {
            if (!Objects.equals(want.get(k), have.get(k))) {
                throw new LaunchException("Job " + name + " in namespace " + config.namespace()
                        + " exists with other labels " + relayLabels(have) + ", not those of execution "
                        + r.executionId() + " " + relayLabels(want), null);
            }
        }
        return false;
    }

    /**
     * Builds the Job of {@code r} without creating it.
     *
     * @throws PodPlanner.PlanException when the command cannot be resolved
     * @throws IllegalArgumentException for a malformed {@code relay.dev/*} annotation
     */
    public Job job(ExecutionRequest r) throws PodPlanner.PlanException {
        RunLayout.attemptStatus(r.runId(), r.task(), r.attempt());
        PodPlanner.Planned p = r.isV2() ? PodPlanner.planV2(r, DIR, store.bucket()) : PodPlanner.plan(r, DIR, store);
        Map<String, String> ann = r.annotations() == null ? Map.of() : r.annotations();
        long deadline = ann.containsKey(TIMEOUT) ? annotationDuration(ann.get(TIMEOUT)) : config.defaultTimeoutSeconds();
        if (ann.containsKey(AttemptDeadline.RUN_DEADLINE)) {
            // the run's deadline (an Argo Workflow's activeDeadlineSeconds) cuts the Job's short; at least 1 s
            java.time.Instant now = java.time.Instant.now();
            AttemptDeadline d = AttemptDeadline.of(Map.of(AttemptDeadline.RUN_DEADLINE, ann.get(AttemptDeadline.RUN_DEADLINE)), now);
            deadline = Math.max(1, Math.min(deadline, (d.left(now).toMillis() + 999) / 1000));
        }
        ResourceRequirements userResources = r.isV2() && !ann.containsKey(CPU) && !ann.containsKey(MEMORY)
                && r.v2().executor() instanceof ExecutorSpec.Container c ? v2Resources(c.resources()) : resources(ann);
        String name = JobNames.jobName(r.runId(), r.task(), r.attempt());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(JobNames.RUN, JobNames.labelValue(r.runId()));
        labels.put(JobNames.TASK, JobNames.labelValue(r.task()));
        labels.put(JobNames.ATTEMPT, Integer.toString(r.attempt()));
        labels.put(JobNames.MANAGED_BY, "relay");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(JobNames.RUN, r.runId());
        annotations.put(JobNames.TASK, r.task());
        annotations.put(JobNames.ATTEMPT, Integer.toString(r.attempt()));
        annotations.put(EXECUTION, r.executionId());
        Map<String, String> podAnnotations = new LinkedHashMap<>(annotations);
        podAnnotations.put("kubectl.kubernetes.io/default-container", MAIN);

        String planJson = new String(Json.bytes(p.plan()), StandardCharsets.UTF_8);
        Container fetch = relayContainer(FETCH, "fetch", planJson).build();
        Container publish = relayContainer(PUBLISH, "publish", planJson).withRestartPolicy("Always").build();
        List<EnvVar> userEnv = new ArrayList<>();
        p.env().forEach((k, v) -> userEnv.add(new EnvVar(k, escape(v), null)));
        List<String> args = p.argv().stream().map(KubernetesJobLauncher::escape).toList();
        ContainerBuilder mainBuilder = new ContainerBuilder()
                .withName(MAIN)
                .withImage(p.image())
                .withCommand("/bin/sh", DIR + "/bin/" + PodSteps.WRAPPER)
                .withArgs(args)
                .withEnv(userEnv)
                .withResources(userResources)
                .addNewVolumeMount().withName(VOLUME).withMountPath(DIR).endVolumeMount();
        if (r.isV2()) {
            // KFP's local paths of artifact URIs and output parameters, as the publish step finds them
            PodPlanner.V2_MOUNTS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(m -> mainBuilder
                    .addNewVolumeMount().withName(VOLUME).withMountPath(m.getValue()).withSubPath(m.getKey()).endVolumeMount());
        }
        Container main = mainBuilder.build();
        Job job = new JobBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(config.namespace())
                    .withLabels(labels)
                    .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(deadline)
                    .withTtlSecondsAfterFinished((int) Math.min(Integer.MAX_VALUE, config.ttlSecondsAfterFinished()))
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).withAnnotations(podAnnotations).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(config.serviceAccount())
                            .withAutomountServiceAccountToken(false)
                            .withInitContainers(fetch, publish)
                            .withContainers(main)
                            .addNewVolume().withName(VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        if (r.isV2()) {
            PlatformPodPatch.apply(r.v2().platform(), job.getSpec().getTemplate(), MAIN);
        }
        // a KFP 1.x package's template: volumes, sidecars, node selection (ArgoPodPatch)
        ArgoPodPatch.apply(ann.get(ArgoPodFields.ANNOTATION), job.getSpec().getTemplate(), MAIN,
                List.of(VOLUME, MAIN, FETCH, PUBLISH));
        return job;
    }

    /**
     * The user's container resources from the IR's {@code container.resources}
     * ({@code resourceCpuLimit}/{@code resourceMemoryLimit} and their requests as written, else the
     * numeric {@code cpuLimit} (cores) and {@code memoryLimit} (GB); {@code accelerator}
     * {@code resourceType}/{@code resourceCount}); a value that is not a Kubernetes quantity (a
     * placeholder left unresolved) is left out.
     */
    static ResourceRequirements v2Resources(com.fasterxml.jackson.databind.JsonNode res) {
        ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
        if (res == null) {
            return b.build();
        }
        quantity(res, "resourceCpuLimit", "cpuLimit", "").ifPresent(q -> b.addToLimits("cpu", q));
        quantity(res, "resourceCpuRequest", "cpuRequest", "").ifPresent(q -> b.addToRequests("cpu", q));
        quantity(res, "resourceMemoryLimit", "memoryLimit", "G").ifPresent(q -> b.addToLimits("memory", q));
        quantity(res, "resourceMemoryRequest", "memoryRequest", "G").ifPresent(q -> b.addToRequests("memory", q));
        com.fasterxml.jackson.databind.JsonNode acc = res.path("accelerator");
        String type = acc.path("resourceType").asText(acc.path("type").asText(""));
        String count = acc.path("resourceCount").asText(acc.path("count").asText(""));
        if (!type.isEmpty() && !count.isEmpty() && QUANTITY.matcher(count).matches() && type.contains("/")) {
            b.addToLimits(type, new Quantity(count));
        }
        return b.build();
    }

    private static java.util.Optional<Quantity> quantity(com.fasterxml.jackson.databind.JsonNode res, String text, String number,
                                                         String unit) {
        String v = res.path(text).asText("");
        if (v.isEmpty() && res.path(number).isNumber() && res.path(number).asDouble() > 0) {
            v = new java.math.BigDecimal(res.path(number).asText()).stripTrailingZeros().toPlainString() + unit;
        }
        return !v.isEmpty() && QUANTITY.matcher(v).matches() ? java.util.Optional.of(new Quantity(v)) : java.util.Optional.empty();
    }

    private ContainerBuilder relayContainer(String name, String step, String planJson) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(config.launcherImage())
                .withCommand("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                        "-cp", PodMain.JAR, PodMain.class.getName(), step)
                .withEnv(
                        new EnvVar("RELAY_POD_PLAN", escape(planJson), null),
                        new EnvVar("RELAY_S3_ENDPOINT", escape(config.s3Endpoint()), null),
                        new EnvVar("RELAY_BUCKET", escape(config.bucket()), null),
                        secretEnv("RELAY_S3_ACCESS_KEY"),
                        secretEnv("RELAY_S3_SECRET_KEY"))
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("100m"))
                        .addToRequests("memory", new Quantity("192Mi"))
                        .addToLimits("memory", new Quantity("384Mi"))
                        .build())
                .addNewVolumeMount().withName(VOLUME).withMountPath(DIR).endVolumeMount();
    }

    private EnvVar secretEnv(String key) {
        return new EnvVarBuilder().withName(key)
                .withNewValueFrom().withNewSecretKeyRef().withName(config.secretName()).withKey(key).endSecretKeyRef().endValueFrom()
                .build();
    }

    private static ResourceRequirements resources(Map<String, String> ann) {
        ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
        for (Map.Entry<String, String> e : Map.of(CPU, "cpu", MEMORY, "memory").entrySet()) {
            String v = ann.get(e.getKey());
            if (v == null) {
                continue;
            }
            String q = v.trim();
            if (!QUANTITY.matcher(q).matches()) {
                throw new IllegalArgumentException("task annotation " + e.getKey() + ": '" + v
                        + "' is not a Kubernetes quantity (e.g. " + (e.getValue().equals("cpu") ? "500m or 2" : "512Mi or 2Gi") + ")");
            }
            b.addToRequests(e.getValue(), new Quantity(q)).addToLimits(e.getValue(), new Quantity(q));
        }
        return b.build();
    }

    private static long annotationDuration(String v) {
        try {
            return Durations.seconds(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task annotation " + TIMEOUT + ": " + e.getMessage());
        }
    }

    /** Escapes Kubernetes' {@code $(VAR)} expansion in {@code args}/{@code env}: every {@code $} becomes {@code $$}. */
    static String escape(String s) {
        return s.replace("$", "$$");
    }

    private boolean failBeforeLaunch(ExecutionRequest r, String reason, String message) {
        String now = Times.format(clock.instant());
        AttemptStatus s = new AttemptStatus(r.runId(), r.task(), r.attempt(), ExecutionPhase.Failed, null, reason,
                message, now, now, Map.of());
        String key;
        try {
            key = RunLayout.attemptStatus(r.runId(), r.task(), r.attempt());
        } catch (IllegalArgumentException e) {
            throw new LaunchException("cannot launch " + r.executionId() + ": " + e.getMessage(), e);
        }
        if (store.stat(key).isPresent()) {
            return false;
        }
        store.put(RunLayout.attemptLog(r.runId(), r.task(), r.attempt()), ("relay: " + message + "\n").getBytes(StandardCharsets.UTF_8));
        return store.putIfAbsent(key, Json.bytes(s));
    }

    private static String relayLabels(Map<String, String> labels) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : List.of(JobNames.RUN, JobNames.TASK, JobNames.ATTEMPT)) {
            m.put(k, labels.get(k));
        }
        return m.toString();
    }
}
