package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.MinioRecords;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.RunLayout;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Each event-correctness rule of the issue on the project's own fixtures (no ../shared needed),
 * through {@code POST /} (both modes), {@code POST /minio/webhook} and Funqy's per-function paths.
 */
@QuarkusTest
class EventCorrectnessTest {
    static final AtomicLong SEQ = new AtomicLong(0x17F0000000000000L);

    @TestHTTPResource("/") URI root;
    @TestHTTPResource("/minio/webhook") URI webhook;
    @TestHTTPResource("/artifact") URI artifactPath;
    @TestHTTPResource("/run-start") URI runStartPath;
    @TestHTTPResource("/job-status") URI jobStatusPath;
    @Inject Backend backend;

    static String seq() {
        return Long.toHexString(SEQ.incrementAndGet()).toUpperCase();
    }

    static String metricsKey(String run) {
        return RunLayout.metrics(run, "train");
    }

    static byte[] envelope(String eventName, String bucket, String key, String sequencer) {
        return MinioRecords.envelope(eventName, bucket, key, 10, "0123456789abcdef0123456789abcdef", "application/json",
                sequencer, Instant.parse("2026-11-29T10:15:00Z"));
    }

    static CloudEvent event(byte[] envelope) {
        List<CloudEvent> events = S3CloudEvents.toCloudEvents(envelope);
        assertEquals(1, events.size());
        return events.get(0);
    }

    TestSupport.Answer hook(byte[] body) {
        return TestSupport.postRaw(webhook, Map.of("Content-Type", "application/json"), body);
    }

    @Test
    void keysAreDecodedWithFormSemantics() {
        String raw = new String(envelope("s3:ObjectCreated:Put", "mlpipeline", "runs/x", seq()), StandardCharsets.UTF_8);
        // MinIO query-escapes keys: '+' is a space, %2B is '+', %2F is '/', UTF-8 escapes
        String escaped = raw.replace("\"key\":\"runs%2Fx\"", "\"key\":\"pipelines%2Fin+put%2FQ1%2BQ2+r%C3%A9sum%C3%A9.csv\"");
        assertTrue(escaped.contains("Q1%2BQ2"), raw);
        byte[] body = escaped.getBytes(StandardCharsets.UTF_8);
        String decoded = "\"key\":\"pipelines/in put/Q1+Q2 résumé.csv\"";
        TestSupport.Answer a = hook(body);
        assertEquals(200, a.status(), a.body());
        assertTrue(a.body().contains(decoded), a.body());
        for (boolean structured : new boolean[] {false, true}) {
            TestSupport.Answer c = TestSupport.post(root, event(body), structured, Map.of());
            assertEquals(200, c.status(), c.body());
            assertTrue(c.body().contains(decoded), c.body());
        }
        assertEquals("pipelines/in put/Q1+Q2 résumé.csv", event(body).getSubject(), "subject is the decoded key");
    }

    @Test
    void onlyCreatedPutPostCopyAndCompleteMultipartAreNewData() {
        String run = "r-kinds-000001";
        for (String name : List.of("Put", "Post", "Copy", "CompleteMultipartUpload")) {
            String key = RunLayout.metrics(run, name.toLowerCase());
            TestSupport.Answer a = hook(envelope("s3:ObjectCreated:" + name, "mlpipeline", key, seq()));
            assertEquals(200, a.status(), a.body());
            assertTrue(a.body().contains("\"action\":\"indexed\""), name + ": " + a.body());
            assertTrue(RecordingIndexer.SEEN.contains("s3:ObjectCreated:" + name + " " + key), RecordingIndexer.SEEN.toString());
        }
        for (String name : List.of("ObjectCreated:PutTagging", "ObjectCreated:DeleteTagging", "ObjectCreated:PutRetention",
                "ObjectCreated:PutLegalHold", "ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated",
                "ObjectAccessed:Get", "ObjectAccessed:Head")) {
            String key = RunLayout.metrics(run, "not-new");
            for (String prefix : List.of("s3:", "")) {
                byte[] env = envelope(prefix + name, "mlpipeline", key, seq());
                TestSupport.Answer a = hook(env);
                assertEquals(200, a.status(), a.body());
                assertTrue(a.body().contains("\"action\":\"ignored\"") && a.body().contains("brings no new data"), name + ": " + a.body());
                TestSupport.Answer c = TestSupport.post(root, event(env), false, Map.of());
                assertEquals(200, c.status(), c.body());
                assertTrue(c.body().contains("brings no new data"), c.body());
            }
            assertTrue(RecordingIndexer.SEEN.stream().noneMatch(s -> s.endsWith(" " + key)), RecordingIndexer.SEEN.toString());
        }
    }

    @Test
    void theSameObjectVersionTwiceHasOneEffect() {
        String key = metricsKey("r-dedupe-000001");
        String sequencer = seq();
        byte[] env = envelope("s3:ObjectCreated:Put", "mlpipeline", key, sequencer);
        assertTrue(hook(env).body().contains("\"action\":\"indexed\""));
        TestSupport.Answer again = TestSupport.post(root, event(env), true, Map.of());
        assertEquals(200, again.status(), again.body());
        assertTrue(again.body().contains("seen before"), again.body());
        assertEquals(1, RecordingIndexer.SEEN.stream().filter(s -> s.endsWith(" " + key)).count());
        hook(envelope("s3:ObjectCreated:Put", "mlpipeline", key, seq()));
        assertEquals(2, RecordingIndexer.SEEN.stream().filter(s -> s.endsWith(" " + key)).count(), "a new write is a new version");
    }

    @Test
    void recordsForBucketsAndPrefixesRelayDoesNotOwnAreIgnored() {
        for (String[] bk : new String[][] {{"datasets", "runs/r-1/run.json"}, {"mlpipeline", "v2/artifacts/x/model"},
                {"mlpipeline", "other/runs/r-1/run.json"}}) {
            TestSupport.Answer a = hook(envelope("s3:ObjectCreated:Put", bk[0], bk[1], seq()));
            assertEquals(200, a.status(), a.body());
            assertTrue(a.body().contains("\"action\":\"ignored\""), a.body());
        }
    }

    @Test
    void theOldMinioFormWithEventTypeIsAcceptedLikeEventName() {
        String key = metricsKey("r-oldform-000001");
        String env = new String(envelope("s3:ObjectCreated:Put", "mlpipeline", key, seq()), StandardCharsets.UTF_8)
                .replace("\"EventName\":", "\"EventType\":").replace("\"eventName\":\"s3:ObjectCreated:Put\",", "");
        assertTrue(env.contains("EventType") && !env.contains("eventName"), env);
        TestSupport.Answer a = hook(env.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, a.status(), a.body());
        assertTrue(a.body().contains("\"action\":\"indexed\""), a.body());
    }

    @Test
    void anObjectThatIsNotReadableYetIsRetriedThenAnswered503() throws Exception {
        String run = "r-notyet-000001";
        String key = RunLayout.runJson(run);
        TestSupport.Answer a = hook(envelope("s3:ObjectCreated:Put", "mlpipeline", key, seq()));
        assertEquals(503, a.status(), a.body());
        assertTrue(a.json().get("error").asText().startsWith("input not readable: s3://mlpipeline/" + key), a.body());

        // The same notification arriving before the object: handled once it becomes readable
        // (written straight into the embedded store's files, so no notification of its own).
        String late = "r-late-000001";
        // the document is made first, so the read-retry window (~0.6 s in tests) covers only the write below
        String runJson = new String(backend.store().get(RunLayout.runJson(anyRun())).orElseThrow(), StandardCharsets.UTF_8)
                .replaceFirst("\"runId\":\"[^\"]+\"", "\"runId\":\"" + late + "\"");
        CompletableFuture<TestSupport.Answer> pending = CompletableFuture.supplyAsync(
                () -> TestSupport.post(root, event(envelope("s3:ObjectCreated:Put", "mlpipeline", RunLayout.runJson(late), seq())), false, Map.of()));
        Thread.sleep(60);
        Path file = Path.of(System.getProperty("user.dir"), "target/relay-test-state/s3/mlpipeline", RunLayout.runJson(late));
        Files.createDirectories(file.getParent());
        Files.writeString(file, runJson);
        TestSupport.Answer b = pending.get();
        assertEquals(200, b.status(), b.body());
        assertTrue(b.body().contains("\"action\":\"handled\""), b.body());
    }

    /** A run that exists: started through the API with the echo pipeline. */
    String anyRun() {
        TestSupport.Answer a = TestSupport.postRaw(root.resolve("/api/v1/runs"), Map.of("Content-Type", "application/json"),
                ("{\"pipeline\":{\"inline\":" + dev.relay.runner.contract.Json.MAPPER.valueToTree(TestSupport.ECHO) + "}}").getBytes(StandardCharsets.UTF_8));
        assertEquals(201, a.status(), a.body());
        return a.json().get("runId").asText();
    }

    @Test
    void badEventsAreRejectedWithTheReasonAndNothingIsHalfApplied() {
        CloudEvent unknown = CloudEventBuilder.v1().withId("1").withSource(URI.create("/x")).withType("com.example.someevent")
                .withDataContentType("application/json").withData("{}".getBytes()).build();
        for (boolean structured : new boolean[] {false, true}) {
            TestSupport.Answer a = TestSupport.post(root, unknown, structured, Map.of());
            assertEquals(400, a.status(), a.body());
            assertTrue(a.json().get("error").asText().contains("'com.example.someevent'"), a.body());
        }
        CloudEvent notJson = CloudEventBuilder.v1().withId("2").withSource(URI.create("/x")).withType("com.amazonaws.s3.ObjectCreated:Put")
                .withDataContentType("application/json").withData("Records: nope".getBytes()).build();
        TestSupport.Answer a = TestSupport.post(root, notJson, false, Map.of());
        assertEquals(400, a.status(), a.body());
        assertTrue(a.json().get("error").asText().startsWith("not JSON"), a.body());
        CloudEvent text = CloudEventBuilder.v1(notJson).withDataContentType("text/plain").build();
        a = TestSupport.post(root, text, false, Map.of());
        assertEquals(415, a.status(), a.body());
        assertTrue(a.json().get("error").asText().contains("text/plain"), a.body());

        a = TestSupport.postRaw(root, Map.of("Content-Type", "application/json"), "{\"Records\":[]}".getBytes());
        assertEquals(400, a.status(), a.body());
        assertTrue(a.json().get("error").asText().startsWith("not a CloudEvent"), a.body());

        byte[] argo = ("{\"notification\":[" + new String(envelope("s3:ObjectCreated:Put", "mlpipeline", "runs/r-1/run.json", seq()),
                StandardCharsets.UTF_8).replaceAll("^.*\"Records\":\\[(.*)\\]}$", "$1") + "],\"metadata\":{\"a\":\"b\"}}").getBytes();
        a = hook(argo);
        assertEquals(400, a.status(), a.body());
        assertTrue(a.json().get("error").asText().startsWith("unsupported envelope"), a.body());

        String good = metricsKey("r-half-000001");
        String two = new String(envelope("s3:ObjectCreated:Put", "mlpipeline", good, seq()), StandardCharsets.UTF_8);
        String record = two.replaceAll("^.*\"Records\":\\[(.*)\\]}$", "$1");
        String broken = record.replaceAll("\"key\":\"[^\"]*\",", "");
        a = hook(two.replace("\"Records\":[" + record + "]", "\"Records\":[" + record + "," + broken + "]").getBytes(StandardCharsets.UTF_8));
        assertEquals(400, a.status(), a.body());
        assertTrue(a.json().get("error").asText().contains("Records[1]: missing s3.object.key"), a.body());
        assertTrue(RecordingIndexer.SEEN.stream().noneMatch(s -> s.endsWith(" " + good)), "the valid first record was not applied");
        assertTrue(hook("not json".getBytes()).body().contains("not JSON"));
    }

    @Test
    void aKafkaSourceEventIsReadLikeTheEnvelope() {
        String key = metricsKey("r-kafkasrc-000001");
        byte[] env = envelope("s3:ObjectCreated:Put", "mlpipeline", key, seq());
        CloudEvent kafka = CloudEventBuilder.v1().withId("partition:0/offset:7").withType("dev.knative.kafka.event")
                .withSource(URI.create("/apis/v1/namespaces/relay/kafkasources/minio#relay-minio-events"))
                .withSubject("partition:0#7").withExtension("key", "mlpipeline/" + key)
                .withDataContentType("application/json").withData(env).build();
        TestSupport.Answer a = TestSupport.post(root, kafka, false, Map.of());
        assertEquals(200, a.status(), a.body());
        assertTrue(a.body().contains("\"action\":\"indexed\""), a.body());
    }

    @Test
    void apiServerSourceJobEventsRouteToJobStatus() {
        String job = "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"r-1-gen-0a1b2c3d-a1\",\"namespace\":\"relay\"},"
                + "\"status\":{\"failed\":1,\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\",\"reason\":\"DeadlineExceeded\"}]}}";
        for (String type : List.of("dev.knative.apiserver.resource.add", "dev.knative.apiserver.resource.update",
                "dev.knative.apiserver.resource.delete", "dev.knative.apiserver.ref.update")) {
            CloudEvent e = CloudEventBuilder.v1().withId("j1").withType(type).withSource(URI.create("https://10.96.0.1:443"))
                    .withSubject("/apis/batch/v1/namespaces/relay/jobs/r-1-gen-0a1b2c3d-a1")
                    .withExtension("kind", "Job").withExtension("name", "r-1-gen-0a1b2c3d-a1").withExtension("namespace", "relay")
                    .withDataContentType("application/json").withData(job.getBytes()).build();
            for (boolean structured : new boolean[] {false, true}) {
                TestSupport.Answer a = TestSupport.post(root, e, structured, Map.of());
                assertEquals(200, a.status(), a.body());
                assertTrue(a.body().contains("\"function\":\"job-status\"") && a.body().contains("r-1-gen-0a1b2c3d-a1"), a.body());
            }
        }
        CloudEvent bad = CloudEventBuilder.v1().withId("j2").withType("dev.knative.apiserver.resource.update")
                .withSource(URI.create("https://10.96.0.1:443")).withDataContentType("application/json").withData("{oops".getBytes()).build();
        TestSupport.Answer a = TestSupport.post(root, bad, false, Map.of());
        assertEquals(400, a.status(), a.body());
        assertTrue(a.body().contains("data is not JSON"), a.body());
    }

    @Test
    void funqyPerFunctionPathsServeTheSameFunctions() {
        String key = metricsKey("r-funqy-000001");
        CloudEvent put = event(envelope("s3:ObjectCreated:Put", "mlpipeline", key, seq()));
        assertEquals(204, TestSupport.post(artifactPath, put, false, Map.of()).status());
        assertTrue(RecordingIndexer.SEEN.contains("s3:ObjectCreated:Put " + key));
        String key2 = metricsKey("r-funqy-000002");
        TestSupport.Answer s = TestSupport.post(artifactPath, event(envelope("s3:ObjectCreated:Put", "mlpipeline", key2, seq())), true, Map.of());
        assertEquals(204, s.status(), s.body());
        assertTrue(RecordingIndexer.SEEN.contains("s3:ObjectCreated:Put " + key2));

        int before = backend.store().list("runs/", false).size();
        CloudEvent req = CloudEventBuilder.v1().withId("rs1-" + java.util.UUID.randomUUID()).withType("dev.relay.run.requested").withSource(URI.create("/test"))
                .withDataContentType("application/json")
                .withData(("{\"pipeline\":{\"inline\":" + dev.relay.runner.contract.Json.MAPPER.valueToTree(TestSupport.ECHO)
                        + "},\"parameters\":{\"text\":\"via funqy\"}}").getBytes(StandardCharsets.UTF_8)).build();
        assertEquals(204, TestSupport.post(runStartPath, req, false, Map.of()).status());
        assertEquals(before + 1, backend.store().list("runs/", false).size(), "run-start wrote one run.json");

        CloudEvent job = CloudEventBuilder.v1().withId("j3").withType("dev.knative.apiserver.resource.update")
                .withSource(URI.create("https://10.96.0.1:443")).withDataContentType("application/json")
                .withData("{\"kind\":\"Job\",\"metadata\":{\"name\":\"j\"}}".getBytes()).build();
        assertEquals(204, TestSupport.post(jobStatusPath, job, true, Map.of()).status());
    }
}
