package dev.relay.runner.k8s;

import dev.relay.runner.run.RunController;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.run.RunService;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** Shared set-up of the Kubernetes tests: the seed pipeline, a store, a launcher on the mock API server. */
final class K8sFixtures {
    static final String IMAGE = "registry.example.com/relay-launcher:test";
    static final String NS = "relay";

    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private K8sFixtures() {}

    /** The mock API server logs every request at INFO through java.util.logging: keep warnings only. */
    static void quietMockServer() {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    static Path repo() {
        return Path.of(System.getProperty("relay.repo.dir", "..")).toAbsolutePath().normalize();
    }

    static Path seedPipeline() {
        return repo().resolve("examples/random-sum/pipeline.yaml");
    }

    static Optional<Path> shared() {
        Path p = Path.of(System.getProperty("relay.shared.dir", "../../shared"));
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    static EmbeddedS3Server s3(Path dir) {
        return EmbeddedS3Server.start(dir, "127.0.0.1", 0, "minio", "minio123", n -> { });
    }

    static KubernetesLauncherConfig config() {
        return KubernetesLauncherConfig.fromEnv(Map.of("RELAY_LAUNCHER_IMAGE", IMAGE,
                "RELAY_S3_ENDPOINT", "http://minio.relay.svc:9000", "RELAY_NAMESPACE", NS), null);
    }

    /** The seed pipeline with {@code maxRetries} on every task, written next to copies of its components. */
    static Path seedWithRetries(Path dir, int retries) throws IOException {
        Files.createDirectories(dir);
        for (String c : new String[] {"generate", "sum", "print"}) {
            Files.copy(repo().resolve("examples/random-sum/" + c + ".component.yaml"), dir.resolve(c + ".component.yaml"));
        }
        String p = Files.readString(seedPipeline()).replaceAll("(?m)^(        arguments:)",
                "        executionOptions: {retryStrategy: {maxRetries: " + retries + "}}\n$1");
        return Files.writeString(dir.resolve("pipeline.yaml"), p);
    }

    /** Submits a run of {@code pipeline}; returns its id. */
    static String submit(MinioArtifactStore store, Path pipeline, Map<String, String> params) throws Exception {
        RunService runs = new RunService(store, Clock.systemUTC());
        String runId = runs.newRunId();
        runs.submit(runId, RunService.prepare(pipeline), params, RunDoc.Cause.cli());
        return runId;
    }

    static RunController controller(MinioArtifactStore store, KubernetesJobLauncher launcher) {
        return new RunController(store, launcher, Clock.systemUTC());
    }

    static Job job(KubernetesClient client, String name) {
        return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
    }
}
