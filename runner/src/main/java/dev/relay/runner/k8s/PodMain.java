package dev.relay.runner.k8s;

import dev.relay.runner.contract.Json;
import dev.relay.runner.store.MinioArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Entry point of Relay's containers in an execution's pod (the launcher image,
 * {@code deploy/launcher/Dockerfile}):
 * <ul>
 *   <li>{@code fetch}: the init container; see {@link PodSteps#fetch}. Exit 0, or 1 when an input
 *       could not be fetched (its Failed status is then written), 2 for a broken environment;</li>
 *   <li>{@code publish}: the native sidecar; waits for the wrapper's exit code, runs
 *       {@link PodSteps#publish}, then idles until the kubelet stops it (a sidecar that exits is
 *       restarted). When restarted after publishing, it only idles.</li>
 * </ul>
 * Environment: {@code RELAY_POD_PLAN} (a {@link PodPlan} as JSON), {@code RELAY_S3_ENDPOINT},
 * {@code RELAY_BUCKET}, {@code RELAY_S3_ACCESS_KEY}, {@code RELAY_S3_SECRET_KEY} (from the Secret),
 * optional {@code RELAY_S3_REGION} (default {@code us-east-1}).
 */
public final class PodMain {
    /** The launcher image's classpath entry (manifest Class-Path pulls in {@code lib/}). */
    public static final String JAR = "/opt/relay/relay-runner.jar";

    private PodMain() {}

    /** @param args {@code fetch} or {@code publish} */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        if (args.length != 1 || !(args[0].equals("fetch") || args[0].equals("publish"))) {
            System.err.println("usage: PodMain fetch|publish (environment: RELAY_POD_PLAN, RELAY_S3_ENDPOINT, RELAY_BUCKET, keys)");
            return 2;
        }
        PodPlan plan;
        MinioArtifactStore store;
        try {
            plan = Json.read(require(env, "RELAY_POD_PLAN").getBytes(StandardCharsets.UTF_8), PodPlan.class, "RELAY_POD_PLAN");
            store = MinioArtifactStore.connect(require(env, "RELAY_S3_ENDPOINT"), require(env, "RELAY_S3_ACCESS_KEY"),
                    require(env, "RELAY_S3_SECRET_KEY"), env.getOrDefault("RELAY_S3_REGION", "us-east-1"),
                    require(env, "RELAY_BUCKET"));
        } catch (RuntimeException e) {
            System.err.println("relay: " + e.getMessage());
            return 2;
        }
        Path dir = Path.of(plan.dir());
        PodSteps steps = new PodSteps(store, Clock.systemUTC());
        if (args[0].equals("fetch")) {
            try {
                steps.fetch(plan, dir);
                return 0;
            } catch (PodSteps.FetchFailed e) {
                System.err.println("relay: " + e.getMessage());
                return 1;
            } catch (RuntimeException e) {
                System.err.println("relay: fetch failed: " + e.getMessage());
                return 2;
            }
        }
        try {
            if (!Files.exists(dir.resolve("published"))) {
                Optional<Integer> code = PodSteps.awaitExitCode(dir, Duration.ofDays(365));
                steps.publish(plan, dir, code.orElse(1));
            }
            Thread.sleep(Long.MAX_VALUE);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is not set");
        }
        return v;
    }
}
