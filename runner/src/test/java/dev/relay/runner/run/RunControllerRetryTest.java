package dev.relay.runner.run;

import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunDoc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A notification whose handling failed (object not yet readable) is handled when redelivered. */
class RunControllerRetryTest {
    @TempDir Path dir;

    @Test
    void aFailedNotificationIsNotRememberedAsSeen() throws Exception {
        try (EmbeddedS3Server server = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", 0, "minio", "minio123", n -> { })) {
            MinioArtifactStore store = server.store("mlpipeline");
            List<String> launched = new CopyOnWriteArrayList<>();
            Launcher launcher = (ExecutionRequest r) -> launched.add(r.executionId());
            RunController controller = new RunController(store, launcher, Clock.systemUTC());
            RunService runs = new RunService(store, Clock.systemUTC());
            String runId = runs.newRunId();
            S3Record rec = new S3Record("s3:ObjectCreated:Put", "mlpipeline", RunLayout.runJson(runId), 10L, "e1", null,
                    "17F00000000001", null, "", "minio:s3", "req", null, "application/json", Map.of());

            assertThrows(IllegalStateException.class, () -> controller.onObject(rec));
            runs.submit(runId, RunService.prepare(
                    Path.of(System.getProperty("relay.repo.dir", "..")).resolve("examples/random-sum/pipeline.yaml")),
                    Map.of(), RunDoc.Cause.cli());
            assertTrue(controller.onObject(rec).isPresent(), "the redelivery is handled");
            assertEquals(1, launched.size(), launched.toString());
            assertTrue(controller.onObject(rec).isEmpty(), "a duplicate of a handled record is ignored");
            assertEquals(1, launched.size());
        }
    }
}
