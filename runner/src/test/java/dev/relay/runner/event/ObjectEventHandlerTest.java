package dev.relay.runner.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3Record;
import dev.relay.eventing.trigger.TriggerLoader;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.run.RunController;
import dev.relay.runner.run.RunService;
import dev.relay.runner.store.InMemoryArtifactStore;
import dev.relay.runner.store.ReadWait;
import dev.relay.runner.trigger.TriggerService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one object-event path on the in-memory store: what it owns, what it waits for, what goes to
 * the engine, the triggers and the index, and what it ignores (with why).
 */
class ObjectEventHandlerTest {
    static final Path REPO = Path.of(System.getProperty("relay.repo.dir", ".."));
    static final ReadWait SHORT = new ReadWait(3, Duration.ofMillis(10), Duration.ofMillis(20));

    InMemoryArtifactStore store;
    final List<String> launched = new CopyOnWriteArrayList<>();
    final List<String> indexed = new CopyOnWriteArrayList<>();
    RunController controller;
    RunService runs;
    int sequence;

    @BeforeEach
    void setUp() {
        store = new InMemoryArtifactStore();
        Launcher launcher = (ExecutionRequest r) -> launched.add(r.executionId());
        controller = new RunController(store, launcher, Clock.systemUTC());
        runs = new RunService(store, Clock.systemUTC());
    }

    private ObjectEventHandler handler(TriggerService triggers) {
        return new ObjectEventHandler(store, controller, () -> triggers, r -> indexed.add(r.key()), SHORT);
    }

    private S3Record record(String event, String bucket, String key, String eTag) {
        return new S3Record(event, bucket, key, 10L, eTag, null, String.format("17F%011d", ++sequence), null, "",
                "minio:s3", "req", null, "application/json", Map.of());
    }

    private S3Record put(String key) {
        return record("s3:ObjectCreated:Put", "mlpipeline", key, "e-" + key.hashCode());
    }

    private static byte[] json(S3Record r) {
        return ("{\"eventVersion\":\"2.0\",\"eventSource\":\"minio:s3\",\"eventName\":\"" + r.eventName()
                + "\",\"s3\":{\"bucket\":{\"name\":\"" + r.bucket() + "\"},\"object\":{\"key\":\"" + r.key()
                + "\",\"size\":10,\"eTag\":\"" + r.eTag() + "\",\"sequencer\":\"" + r.sequencer() + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private String submit() throws Exception {
        String runId = runs.newRunId();
        runs.submit(runId, RunService.prepare(REPO.resolve("examples/random-sum/pipeline.yaml")), Map.of(), RunDoc.Cause.cli());
        return runId;
    }

    @Test
    void aRunJsonAdvancesTheEngineOnceAndIsIndexed() throws Exception {
        ObjectEventHandler h = handler(null);
        String runId = submit();
        S3Record r = put(RunLayout.runJson(runId));
        ObjectEventHandler.Outcome o = h.onRecord(r, json(r));
        assertEquals("handled", o.action());
        assertEquals(1, launched.size(), launched.toString());
        assertEquals(List.of(r.key()), indexed);
        assertEquals(o, h.outcome("mlpipeline", r.key(), "\"" + r.eTag() + "\"").orElseThrow(), "found by version, quotes ignored");

        h.onRecord(r, json(r));
        assertEquals(1, launched.size(), "a redelivered record (same dedupe key) launches nothing more");
    }

    @Test
    void anAnnouncedStatusThatStaysUnreadableAsksForARedelivery() throws Exception {
        ObjectEventHandler h = handler(null);
        String runId = submit();
        S3Record r = put(RunLayout.attemptStatus(runId, "gen", 1));
        ObjectEventHandler.NotReadableException e = assertThrows(ObjectEventHandler.NotReadableException.class,
                () -> h.onRecord(r, json(r)));
        assertEquals("input not readable: s3://mlpipeline/" + r.key() + " (still absent after 3 attempts over 30 ms;"
                + " redeliver later)", e.getMessage());
        assertTrue(indexed.isEmpty());
    }

    @Test
    void metricsAreIndexedOncePerVersionAndOtherKeysOrEventsAreIgnoredWithWhy() throws Exception {
        ObjectEventHandler h = handler(null);
        S3Record m = put(RunLayout.metrics("r-x", "t"));
        assertEquals("indexed", h.onRecord(m, json(m)).action());
        assertEquals("this object version was seen before", h.onRecord(m, json(m)).reason());
        assertEquals(List.of(m.key()), indexed);

        S3Record stranger = put("datasets/a.csv");
        assertEquals("key is outside runs/, pipelines/ and triggers/ and no trigger watches this bucket",
                h.onRecord(stranger, json(stranger)).reason());
        S3Record other = record("s3:ObjectCreated:Put", "elsewhere", "x", "e");
        assertEquals("bucket 'elsewhere' is not Relay's (mlpipeline) and no trigger watches it", h.onRecord(other, json(other)).reason());
        S3Record removed = record("s3:ObjectRemoved:Delete", "mlpipeline", RunLayout.runJson("r-x"), null);
        assertEquals("ObjectRemoved:Delete brings no new data", h.onRecord(removed, json(removed)).reason());
        S3Record marker = put(Generations.markerKey("r-x", 2));
        assertEquals("indexed", h.onRecord(marker, json(marker)).action(), "a retry's generation: the run is Running again");
        assertEquals(List.of(m.key(), marker.key()), indexed);
        S3Record log = put(RunLayout.attemptLog("r-x", "t", 1));
        assertEquals("no action for a attempt log object", h.onRecord(log, json(log)).reason());
        assertTrue(launched.isEmpty());
    }

    @Test
    void aNewObjectInAWatchedBucketGoesToTheTriggersOnce() throws Exception {
        Path ex = REPO.resolve("examples/triggers");
        PipelineRegistry registry = new PipelineRegistry(store, Clock.systemUTC());
        registry.registerFile(ex.resolve("pipelines/count-rows.yaml"), "count-rows", null);
        registry.registerFile(ex.resolve("pipelines/retrain.yaml"), "retrain", null);
        try (TriggerService triggers = new TriggerService(store, registry, runs, TriggerLoader.loadAll(ex))) {
            ObjectEventHandler h = handler(triggers);
            store.put("datasets/a.csv", "x,y\n1,2\n");
            S3Record csv = put("datasets/a.csv");
            ObjectEventHandler.Outcome o = h.onRecord(csv, json(csv));
            assertEquals("triggered", o.action(), String.valueOf(o.reason()));
            assertEquals(List.of("new-dataset"), List.copyOf(o.runs().keySet()));
            assertTrue(store.get(RunLayout.runJson(o.runs().get("new-dataset"))).isPresent(), "its run was submitted");

            ObjectEventHandler.Outcome again = h.onRecord(csv, json(csv));
            assertEquals("ignored", again.action());
            assertEquals("trigger(s) [new-dataset] already fired for this object version", again.reason());

            S3Record txt = put("datasets/notes.txt");
            ObjectEventHandler.Outcome none = h.onRecord(txt, json(txt));
            assertEquals("ignored", none.action());
            assertTrue(none.reason().startsWith("key is outside runs/, pipelines/ and triggers/ and no trigger matched: {new-dataset="),
                    none.reason());
            assertNull(none.runs());
        }
    }
}
