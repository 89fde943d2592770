package dev.relay.runner.k8s;

import dev.relay.runner.launch.Durations;
import java.util.Map;

/**
 * What {@link KubernetesJobLauncher} needs from its environment (docs/contracts.md, "Defaults and
 * environment"; the cluster's ConfigMap {@code relay-config} and Secret {@code relay-secrets}).
 *
 * @param namespace          where Jobs go ({@code RELAY_NAMESPACE}, else the pod's namespace)
 * @param launcherImage      Relay's launcher image, with Java, built from {@code deploy/launcher/Dockerfile}
 *                           ({@code RELAY_LAUNCHER_IMAGE}, required)
 * @param s3Endpoint         MinIO's URL as pods see it, e.g. {@code http://minio.relay:9000}
 *                           ({@code RELAY_S3_ENDPOINT}, required)
 * @param bucket             the Relay bucket ({@code RELAY_BUCKET}, default {@code mlpipeline})
 * @param secretName         the Secret holding {@code RELAY_S3_ACCESS_KEY} and {@code RELAY_S3_SECRET_KEY},
 *                           referenced by the pods, never copied ({@code RELAY_S3_SECRET}, default {@code relay-secrets})
 * @param serviceAccount     the pods' ServiceAccount ({@code RELAY_JOB_SERVICE_ACCOUNT}, default {@code relay-launcher})
 * @param defaultTimeoutSeconds {@code activeDeadlineSeconds} of a task without {@code relay.dev/timeout}
 *                           ({@code RELAY_JOB_TIMEOUT}, a duration such as {@code 6h}; default 24h)
 * @param ttlSecondsAfterFinished how long a finished Job (and its pods and logs) stays
 *                           ({@code RELAY_JOB_TTL}, a duration; default 24h)
 */
public record KubernetesLauncherConfig(String namespace, String launcherImage, String s3Endpoint, String bucket,
                                       String secretName, String serviceAccount, long defaultTimeoutSeconds,
                                       long ttlSecondsAfterFinished) {
    /** ServiceAccount of Relay's Jobs (docs/contracts.md, "Names in the cluster"). */
    public static final String DEFAULT_SERVICE_ACCOUNT = "relay-launcher";
    /** Secret of the cluster's credentials ({@code deploy/knative/base/secret.yaml}). */
    public static final String DEFAULT_SECRET = "relay-secrets";
    /** Default bucket (docs/contracts.md). */
    public static final String DEFAULT_BUCKET = "mlpipeline";
    /** Default namespace (docs/contracts.md). */
    public static final String DEFAULT_NAMESPACE = "relay";
    /** 24 hours, in seconds. */
    public static final long DAY = 86_400;

    /** @throws IllegalArgumentException when a field is empty or a duration is not positive */
    public KubernetesLauncherConfig {
        require(namespace, "RELAY_NAMESPACE");
        require(launcherImage, "RELAY_LAUNCHER_IMAGE");
        require(s3Endpoint, "RELAY_S3_ENDPOINT");
        require(bucket, "RELAY_BUCKET");
        require(secretName, "RELAY_S3_SECRET");
        require(serviceAccount, "RELAY_JOB_SERVICE_ACCOUNT");
        if (defaultTimeoutSeconds <= 0 || ttlSecondsAfterFinished < 0) {
            throw new IllegalArgumentException("RELAY_JOB_TIMEOUT must be > 0 and RELAY_JOB_TTL >= 0");
        }
    }

    /**
     * Reads the configuration from environment variables.
     *
     * @param env              e.g. {@code System.getenv()}
     * @param currentNamespace the namespace the process runs in (fabric8's {@code client.getNamespace()}),
     *                         used when {@code RELAY_NAMESPACE} is unset; may be null
     * @throws IllegalArgumentException naming the variable that is missing or malformed
     */
    public static KubernetesLauncherConfig fromEnv(Map<String, String> env, String currentNamespace) {
        String ns = orDefault(env, "RELAY_NAMESPACE", currentNamespace == null ? DEFAULT_NAMESPACE : currentNamespace);
        String image = env.get("RELAY_LAUNCHER_IMAGE");
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("RELAY_LAUNCHER_IMAGE is not set: name the image built from "
                    + "deploy/launcher/Dockerfile (e.g. registry.example.com/relay-launcher:0.1.0)");
        }
        String endpoint = env.get("RELAY_S3_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("RELAY_S3_ENDPOINT is not set: MinIO's URL as pods reach it "
                    + "(e.g. http://minio.relay.svc:9000)");
        }
        return new KubernetesLauncherConfig(ns, image.trim(), endpoint.trim(), orDefault(env, "RELAY_BUCKET", DEFAULT_BUCKET),
                orDefault(env, "RELAY_S3_SECRET", DEFAULT_SECRET),
                orDefault(env, "RELAY_JOB_SERVICE_ACCOUNT", DEFAULT_SERVICE_ACCOUNT),
                durationVar(env, "RELAY_JOB_TIMEOUT", DAY), durationVar(env, "RELAY_JOB_TTL", DAY));
    }

    private static long durationVar(Map<String, String> env, String name, long dflt) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Durations.seconds(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static String orDefault(Map<String, String> env, String name, String dflt) {
        String v = env.get(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    private static void require(String v, String what) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }
}
