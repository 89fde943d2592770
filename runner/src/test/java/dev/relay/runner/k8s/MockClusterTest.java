package dev.relay.runner.k8s;

import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that run Jobs on fabric8's mock API server (each subclass keeps its own
 * {@code @EnableKubernetesMockClient} and {@code static KubernetesClient client}): the mock
 * server's logging quieted, and one embedded S3 store per test class, bucket {@code mlpipeline}.
 */
abstract class MockClusterTest {
    static {
        K8sFixtures.quietMockServer();
    }

    @TempDir static Path dir;
    static EmbeddedS3Server s3;
    static MinioArtifactStore store;

    @BeforeAll
    static void startStore() {
        s3 = K8sFixtures.s3(dir.resolve("s3"));
        store = s3.store("mlpipeline");
    }

    @AfterAll
    static void stopStore() {
        s3.close();
    }
}
