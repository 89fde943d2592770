package dev.relay.functions.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * Relay's settings ({@code relay.*}; each also read from its environment variable, e.g.
 * {@code relay.api-token} from {@code RELAY_API_TOKEN}). The settings the CLI shares (state dir,
 * bucket, S3 endpoint and keys) come from the runner's one environment reader,
 * {@link dev.relay.runner.contract.RelayEnv}, through {@link RelayEnvConfigSource}. The profiles of
 * {@code application.properties} choose the edges: {@code embedded} (default), {@code cluster},
 * {@code bridge}.
 */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {
    /** {@code embedded}: the S3 server in this JVM; {@code s3}: an external S3 endpoint (MinIO). */
    @WithDefault("embedded")
    String store();

    /** The embedded state dir (store, work dirs, {@code server.json}). */
    @WithName("state-dir")
    @WithDefault(".relay")
    String stateDir();

    /** The Relay bucket. */
    @WithDefault(dev.relay.runner.contract.RelayEnv.DEFAULT_BUCKET)
    String bucket();

    /** The object store. */
    S3 s3();

    /** Bearer token that protects {@code /api/v1} (none: open, for the embedded profile on 127.0.0.1). */
    @WithName("api-token")
    Optional<String> apiToken();

    /** Bearer token that MinIO's webhook must send to {@code /minio/webhook}. */
    @WithName("webhook-token")
    Optional<String> webhookToken();

    /** When true (cluster profile) the app refuses to start without both tokens. */
    @WithName("require-tokens")
    @WithDefault("false")
    boolean requireTokens();

    /**
     * Whether this app serves the CloudEvent routes ({@code POST /}, {@code /artifact},
     * {@code /run-start}, {@code /job-status}); {@code false} for the public Service of the cluster
     * profile, which serves only the API, the webhook and the UI ({@code RELAY_EVENT_ROUTES}).
     */
    @WithName("event-routes")
    @WithDefault("true")
    boolean eventRoutes();

    /**
     * How CloudEvent routes authenticate their senders ({@code RELAY_EVENT_AUTH}):
     * {@code token} (default) the API token, or the webhook token for object events;
     * {@code cluster-local} (the cluster profile) no credential, because a Knative Broker cannot
     * add headers and the Service that serves these routes is reachable only inside the cluster,
     * unless {@link #oidcAudience()} is set, when every delivery's OIDC token is verified.
     */
    @WithName("event-auth")
    @WithDefault("token")
    String eventAuth();

    /**
     * The OIDC audience Knative Eventing issues delivery tokens for when its
     * {@code authentication-oidc} feature is on ({@code RELAY_OIDC_AUDIENCE}; the Triggers'
     * {@code subscriber.audience}); absent: no OIDC verification.
     */
    @WithName("oidc-audience")
    Optional<String> oidcAudience();

    /** Where the bridge sends CloudEvents (Knative's {@code K_SINK}); absent: call the handler directly. */
    Optional<String> sink();

    /** Bounded backoff for an object that is announced but not yet readable. */
    @WithName("read-retry")
    Retry readRetry();

    /** Bounded backoff for the bridge's deliveries (sink or handler) before dead-lettering. */
    @WithName("delivery-retry")
    Retry deliveryRetry();

    /** Where local executions keep their work dirs in the {@code s3} store mode. */
    @WithName("work-dir")
    Optional<String> workDir();

    /** Folder of trigger files ({@code RELAY_TRIGGERS_DIR}); absent: {@code ./triggers} if it exists. */
    @WithName("triggers-dir")
    Optional<String> triggersDir();

    /** {@code local} (processes on this host) or {@code kubernetes} (a Job per attempt; the cluster profile). */
    @WithDefault("local")
    String launcher();

    /** The object store settings. */
    interface S3 {
        /** e.g. {@code http://minio.kubeflow:9000} ({@code RELAY_S3_ENDPOINT}); required for store {@code s3}. */
        Optional<String> endpoint();

        /** Access key ({@code RELAY_S3_ACCESS_KEY}). */
        @WithName("access-key")
        @WithDefault("minio")
        String accessKey();

        /** Secret key ({@code RELAY_S3_SECRET_KEY}); never logged. */
        @WithName("secret-key")
        @WithDefault("minio123")
        String secretKey();

        /** Region to sign for. */
        @WithDefault("us-east-1")
        String region();

        /** Port of the embedded S3 server on 127.0.0.1 (0: any free port). */
        @WithDefault("0")
        int port();
    }

    /** A bounded exponential backoff. */
    interface Retry {
        /** Attempts in all, at least 1. */
        @WithDefault("6")
        int attempts();

        /** Delay before the second attempt; doubled after each. */
        @WithName("initial-delay")
        @WithDefault("50ms")
        Duration initialDelay();

        /** Cap on one delay. */
        @WithName("max-delay")
        @WithDefault("1s")
        Duration maxDelay();
    }
}
