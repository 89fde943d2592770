package dev.relay.runner.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.MinioRecords;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.eventing.trigger.TriggerLoader;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.run.RunService;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Triggers on a real embedded store: uploads and CloudEvents start runs once per dedupe key. */
class TriggerServiceTest {
    static final Path EX = Path.of(System.getProperty("relay.repo.dir", "..")).resolve("examples/triggers");
    @TempDir Path dir;
    EmbeddedS3Server server;
    MinioArtifactStore store;
    TriggerService triggers;
    final LinkedBlockingQueue<byte[]> notifications = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "minio", "minio123", notifications::add);
        store = server.store("mlpipeline");
        Clock clock = Clock.systemUTC();
        PipelineRegistry registry = new PipelineRegistry(store, clock);
        registry.registerFile(EX.resolve("pipelines/count-rows.yaml"), "count-rows", null);
        registry.registerFile(EX.resolve("pipelines/retrain.yaml"), "retrain", null);
        triggers = new TriggerService(store, registry, new RunService(store, clock), TriggerLoader.loadAll(EX));
        notifications.clear();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Uploads through the S3 API and returns the CloudEvent of its notification. */
    private CloudEvent upload(String bucket, String key, String content) throws Exception {
        notifications.clear();
        server.store(bucket).put(key, content.getBytes(StandardCharsets.UTF_8));
        while (true) {
            byte[] n = notifications.poll(10, TimeUnit.SECONDS);
            CloudEvent ce = S3CloudEvents.toCloudEvents(n).get(0);
            if (key.equals(ce.getSubject())) {
                return ce;
            }
        }
    }

    private RunDoc run(String runId) {
        return Json.read(store.get(RunLayout.runJson(runId)).orElseThrow(), RunDoc.class, runId);
    }

    @Test
    void uploadStartsOneRunAndTheSameDataStartsNone() throws Exception {
        CloudEvent ce = upload("mlpipeline", "datasets/iris v2+final.csv", "a,b\n1,2\n");
        TriggerService.Outcome o = triggers.onEvent(ce);
        assertEquals(List.of("new-dataset"), List.copyOf(o.started().keySet()));
        RunDoc doc = run(o.started().get("new-dataset"));
        assertEquals("s3://mlpipeline/datasets/iris v2+final.csv", doc.parameters().get("dataset"));
        assertEquals("upload-trigger", doc.cause().kind());
        assertEquals("new-dataset", doc.cause().trigger());
        assertEquals("datasets/iris v2+final.csv", doc.cause().object().get("key"));
        assertEquals("count-rows", doc.pipeline().name());
        assertEquals("upload-trigger new-dataset: s3://mlpipeline/datasets/iris v2+final.csv",
                doc.cause().describe(), "what relay runs get shows");

        assertTrue(triggers.onEvent(ce).started().isEmpty(), "the same notification again");
        TriggerService.Outcome again = triggers.onEvent(upload("mlpipeline", "datasets/iris v2+final.csv", "a,b\n1,2\n"));
        assertTrue(again.started().isEmpty(), "same content, same eTag: " + again);
        assertEquals(List.of("new-dataset"), again.repeated());
        assertEquals(1, store.list(TriggerService.SEEN + "new-dataset/", true).size());
    }

    @Test
    void otherBucketsPrefixesAndEventsStartNothing() throws Exception {
        assertFalse(triggers.onEvent(upload("otherbucket", "datasets/a.csv", "x")).matched());
        assertFalse(triggers.onEvent(upload("mlpipeline", "elsewhere/a.csv", "x")).matched());
        assertFalse(triggers.onEvent(upload("mlpipeline", "datasets/a.txt", "x")).matched());
        CloudEvent tagging = S3CloudEvents.toCloudEvents(MinioRecords.envelope("s3:ObjectCreated:PutTagging", "mlpipeline",
                "datasets/t.csv", 3, "e1", "text/csv", MinioRecords.sequencer(System.nanoTime()), Instant.now())).get(0);
        assertFalse(triggers.onEvent(tagging).matched());
        CloudEvent multipart = S3CloudEvents.toCloudEvents(MinioRecords.envelope("s3:ObjectCreated:CompleteMultipartUpload", "mlpipeline",
                "datasets/big.csv", 11_000_000, "abc-3", "text/csv", MinioRecords.sequencer(System.nanoTime()), Instant.now())).get(0);
        assertEquals(1, triggers.onEvent(multipart).started().size());
    }

    private static CloudEvent drift(String id, String data) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/monitoring/iris")).withType("com.example.model.drift")
                .withSubject("models/iris").withDataContentType("application/json")
                .withData(data.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void driftEventStartsRetrainingOncePerEventId() throws Exception {
        TriggerService.Outcome o = triggers.onEvent(drift("d-1", "{\"model\": \"iris\", \"score\": 0.5}"));
        RunDoc doc = run(o.started().get("retrain-on-drift"));
        assertEquals("iris", doc.parameters().get("model"));
        assertEquals("0.5", doc.parameters().get("score"));
        assertEquals("event-trigger", doc.cause().kind());
        assertEquals("d-1", doc.cause().event().get("id"));
        assertEquals("event-trigger retrain-on-drift: event com.example.model.drift id d-1 from /monitoring/iris", doc.cause().describe());
        assertTrue(triggers.onEvent(drift("d-1", "{\"model\": \"iris\", \"score\": 0.5}")).started().isEmpty());
        assertEquals("condition data.score > 0.3 does not hold",
                triggers.onEvent(drift("d-2", "{\"model\": \"iris\", \"score\": 0.1}")).reasons().get("retrain-on-drift"));
    }

    @Test
    void missingMappedFieldStartsNothingAndNamesTheField() throws Exception {
        int before = store.list("runs/", true).size();
        TriggerService.Outcome none = triggers.onEvent(drift("d-3", "{\"score\": 0.9}"));
        assertFalse(none.matched(), "'exists' on data.model keeps it from matching");
        TriggerService strict = new TriggerService(store, new PipelineRegistry(store, Clock.systemUTC()),
                new RunService(store, Clock.systemUTC()), List.of(TriggerLoader.parse(
                        java.nio.file.Files.readString(EX.resolve("retrain-on-drift.yaml")).replace("  - {path: data.model, op: exists}\n", ""),
                        "strict.yaml")));
        TriggerService.TriggerFailure f = assertThrows(TriggerService.TriggerFailure.class,
                () -> strict.onEvent(drift("d-4", "{\"score\": 0.9}")));
        assertEquals("data.model", f.field());
        assertEquals(before, store.list("runs/", true).size(), "nothing written");
        assertTrue(store.list(TriggerService.SEEN, true).isEmpty());
    }
}
