package dev.relay.runner.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.eventing.s3.MinioRecords;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.eventing.trigger.TriggerLoader;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.run.RunService;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import io.cloudevents.CloudEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** debounce: bulk uploads under one prefix start one run listing every object; state survives a restart. */
class DebounceTest {
    static final String TRIGGER = """
            apiVersion: relay.dev/v1
            kind: UploadTrigger
            metadata: {name: bulk}
            spec:
              bucket: datasets
              prefix: incoming/
              debounce: 8s
              pipeline: {name: list-files}
              parameters:
                files: "{{ objects.uris }}"
                first: "{{ object.key }}"
            """;
    static final String PIPELINE = """
            name: list-files
            inputs: [{name: files}, {name: first}]
            implementation:
              graph:
                tasks:
                  list:
                    componentRef:
                      spec:
                        name: list
                        inputs: [{name: files}]
                        implementation:
                          container: {image: alpine, command: [echo, {inputValue: files}]}
                    arguments: {files: {graphInput: {inputName: files}}}
            """;

    @TempDir Path dir;
    EmbeddedS3Server server;
    MinioArtifactStore store;
    final List<TriggerService> services = new ArrayList<>();
    final List<ManualTimers> timers = new ArrayList<>();
    long sequencer = 1;
    /** The test's time, epoch ms: uploads carry it as their event time; windows close when it passes their end. */
    long now = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** Timers driven by {@link #advance}: whether uploads fall in one window never depends on the machine's speed. */
    final class ManualTimers implements DebounceWindows.Timers {
        final List<Map.Entry<Long, Runnable>> pending = new ArrayList<>();
        boolean closed;

        @Override
        public long now() {
            return now;
        }

        @Override
        public synchronized void at(long epochMillis, Runnable task) {
            pending.add(Map.entry(epochMillis, task));
        }

        @Override
        public synchronized void close() {
            closed = true;
            pending.clear();
        }

        synchronized List<Runnable> due() {
            List<Runnable> out = new ArrayList<>();
            for (var it = pending.iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!closed && e.getKey() <= now) {
                    out.add(e.getValue());
                    it.remove();
                }
            }
            return out;
        }
    }

    /** Moves the test's time forward and closes the windows that end by then (as the live timers would). */
    void advance(long millis) {
        now += millis;
        for (ManualTimers t : List.copyOf(timers)) {
            t.due().forEach(Runnable::run);
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "minio", "minio123", n -> { });
        store = server.store("mlpipeline");
        new PipelineRegistry(store, Clock.systemUTC()).register("list-files", null, PIPELINE);
    }

    @AfterEach
    void stop() {
        services.forEach(TriggerService::close);
        server.close();
    }

    TriggerService service() throws Exception {
        ManualTimers t = new ManualTimers();
        timers.add(t);
        TriggerService s = new TriggerService(store, new PipelineRegistry(store, Clock.systemUTC()),
                new RunService(store, Clock.systemUTC()), List.of(TriggerLoader.parse(TRIGGER, "bulk.yaml")), t);
        s.resume();
        services.add(s);
        return s;
    }

    CloudEvent upload(String key) {
        return S3CloudEvents.toCloudEvents(MinioRecords.envelope("s3:ObjectCreated:Put", "datasets", key, 3, "etag-" + key,
                "text/csv", MinioRecords.sequencer(sequencer++), Instant.ofEpochMilli(now++))).get(0);
    }

    /** @return every run started so far (windows fire synchronously when {@link #advance} closes them) */
    List<RunDoc> runs() {
        List<RunDoc> out = new ArrayList<>();
        for (String k : store.list("runs/", true)) {
            if (k.endsWith("/run.json")) {
                out.add(Json.read(store.get(k).orElseThrow(), RunDoc.class, k));
            }
        }
        return out;
    }

    private static List<String> files(RunDoc d) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode n : Json.MAPPER.readTree(d.parameters().get("files"))) {
            out.add(n.asText());
        }
        return out;
    }

    @Test
    void fiftyUploadsInOneWindowStartOneRunThenALateOneStartsAnother() throws Exception {
        TriggerService s = service();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String key = String.format("incoming/part-%02d.csv", i);
            assertEquals(List.of("bulk"), s.onEvent(upload(key)).debounced());
            expected.add("s3://datasets/" + key);
        }
        assertTrue(s.onEvent(upload("incoming/part-00.csv")).debounced().isEmpty(), "a redelivered notification joins nothing");
        assertTrue(s.onEvent(upload("other/x.csv")).debounced().isEmpty());
        advance(7_000);
        assertEquals(List.of(), runs(), "the window stays open until 8 s after its first upload");
        advance(1_000);
        List<RunDoc> one = runs();
        assertEquals(1, one.size());
        assertEquals(expected, files(one.get(0)));
        assertEquals("incoming/part-00.csv", one.get(0).parameters().get("first"));
        assertEquals(50, one.get(0).cause().objects());
        assertEquals("upload-trigger", one.get(0).cause().kind());

        s.onEvent(upload("incoming/late.csv"));
        assertEquals(1, runs().size(), "the late upload opened a new window, not yet closed");
        advance(8_000);
        List<RunDoc> two = runs();
        assertEquals(2, two.size());
        assertTrue(two.stream().anyMatch(d -> {
            try {
                return files(d).equals(List.of("s3://datasets/incoming/late.csv"));
            } catch (Exception e) {
                return false;
            }
        }));
    }

    @Test
    void aRestartInTheMiddleOfAWindowLosesNothing() throws Exception {
        TriggerService before = service();
        for (int i = 0; i < 10; i++) {
            before.onEvent(upload("incoming/a" + i + ".csv"));
        }
        before.close(); // the instance goes away with the window open
        TriggerService after = service();
        for (int i = 0; i < 5; i++) {
            after.onEvent(upload("incoming/b" + i + ".csv"));
        }
        advance(8_000);
        List<RunDoc> runs = runs();
        assertEquals(1, runs.size());
        assertEquals(15, files(runs.get(0)).size());
    }
}
