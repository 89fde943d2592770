package dev.relay.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs driven only by CloudEvents posted over HTTP with the CloudEvents SDK (binary and
 * structured mode alternately), as the Broker would deliver them; and the same with every event
 * delivered three times in shuffled order. Also the tokens of the API and the webhook.
 */
@QuarkusTest
@TestProfile(CapturedEventsProfile.class)
class HttpDrivenRunTest {
    static final String AUTH = "Bearer " + CapturedEventsProfile.API_TOKEN;
    /** Object events carry the webhook token, as MinIO's webhook and the bridge do. */
    static final Map<String, String> HOOK = Map.of("Authorization", "Bearer " + CapturedEventsProfile.WEBHOOK_TOKEN);

    @TestHTTPResource("/") URI root;
    @TestHTTPResource("/minio/webhook") URI webhook;
    @Inject Backend backend;

    /** Posts every captured notification to POST / until the run has finished; returns every event posted. */
    List<CloudEvent> drive(String runId, int copies, long seed) throws Exception {
        Random random = new Random(seed);
        List<CloudEvent> all = new ArrayList<>();
        int n = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            byte[] first = CapturedEventsProfile.CapturingSink.QUEUE.poll(200, TimeUnit.MILLISECONDS);
            if (first == null) {
                if (backend.store().stat(RunLayout.runStatus(runId)).isPresent()) {
                    return all;
                }
                continue;
            }
            List<byte[]> batch = new ArrayList<>(List.of(first));
            CapturedEventsProfile.CapturingSink.QUEUE.drainTo(batch);
            List<CloudEvent> events = new ArrayList<>();
            for (byte[] envelope : batch) {
                events.addAll(S3CloudEvents.toCloudEvents(envelope));
            }
            all.addAll(events);
            List<CloudEvent> deliveries = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                deliveries.addAll(events);
            }
            Collections.shuffle(deliveries, random);
            for (CloudEvent e : deliveries) {
                TestSupport.Answer a = TestSupport.post(root, e, n++ % 2 == 0, HOOK);
                assertEquals(200, a.status(), e.getSubject() + ": " + a.body());
            }
        }
        throw new AssertionError("run " + runId + " did not finish");
    }

    String register() {
        String yaml = TestSupport.seedYaml();
        given().header("Authorization", AUTH).contentType("application/yaml").body((yaml).getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines?name=random-sum")
                .then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)));
        return yaml;
    }

    JsonNode view(String runId) throws Exception {
        return Json.MAPPER.readTree(given().header("Authorization", AUTH).get("/api/v1/runs/" + runId).then().statusCode(200)
                .extract().asString());
    }

    @Test
    void cloudEventsOverHttpDriveTheSeedToCompletion() throws Exception {
        register();
        String runId = given().header("Authorization", AUTH).contentType("application/json")
                .body("{\"pipeline\":{\"name\":\"random-sum\"},\"parameters\":{\"count\":\"4\"}}")
                .post("/api/v1/runs").then().statusCode(201).extract().path("runId");
        drive(runId, 1, 1);
        JsonNode view = view(runId);
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        for (JsonNode t : view.get("tasks")) {
            assertEquals("Succeeded", t.get("phase").asText(), t.toString());
        }
    }

    @Test
    void aRunRequestedByCloudEventRunsToo() throws Exception {
        register();
        CloudEvent requested = CloudEventBuilder.v1().withId("req-1").withType("dev.relay.run.requested")
                .withSource(URI.create("/ci/nightly")).withDataContentType("application/json")
                .withData("{\"pipeline\":{\"name\":\"random-sum\",\"version\":\"latest\"},\"parameters\":{\"count\":\"3\"}}"
                        .getBytes(StandardCharsets.UTF_8)).build();
        TestSupport.Answer a = TestSupport.post(root, requested, true, Map.of("Authorization", AUTH));
        assertEquals(200, a.status(), a.body());
        String runId = a.json().get("runId").asText();
        drive(runId, 1, 2);
        JsonNode view = view(runId);
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        assertEquals("req-1", view.get("cause").get("event").get("id").asText());
        assertEquals("/ci/nightly", view.get("cause").get("event").get("source").asText());

        CloudEvent bad = CloudEventBuilder.v1(requested).withData("{\"pipeline\":{}}".getBytes()).build();
        TestSupport.Answer b = TestSupport.post(root, bad, false, Map.of("Authorization", AUTH));
        assertEquals(422, b.status(), b.body());
        assertEquals("pipeline.name", b.json().get("field").asText());
    }

    /** Issue 13: the same dev.relay.run.requested (same source and id) three times started three runs. */
    @Test
    void aRepeatedRunRequestStartsOneRun() throws Exception {
        register();
        CloudEvent requested = CloudEventBuilder.v1().withId("dup-" + java.util.UUID.randomUUID()).withType("dev.relay.run.requested")
                .withSource(URI.create("/ci/redelivered")).withDataContentType("application/json")
                .withData("{\"pipeline\":{\"name\":\"random-sum\"},\"parameters\":{\"count\":\"1\"}}"
                        .getBytes(StandardCharsets.UTF_8)).build();
        int before = backend.store().list("runs/", false).size();
        TestSupport.Answer first = TestSupport.post(root, requested, true, Map.of("Authorization", AUTH));
        assertEquals(200, first.status(), first.body());
        String runId = first.json().get("runId").asText();
        TestSupport.Answer second = TestSupport.post(root, requested, false, Map.of("Authorization", AUTH));
        assertEquals(200, second.status(), second.body());
        assertEquals(runId, second.json().get("runId").asText(), second.body());
        assertTrue(second.json().get("repeated").asBoolean(), second.body());
        TestSupport.Answer third = TestSupport.post(root.resolve("/run-start"), requested, true, Map.of("Authorization", AUTH));
        assertEquals(204, third.status(), third.body()); // Funqy's own path answers no event
        assertEquals(before + 1, backend.store().list("runs/", false).size(), "one run for three deliveries");
        // the same id from another source is another event
        CloudEvent other = CloudEventBuilder.v1(requested).withSource(URI.create("/ci/other")).build();
        TestSupport.Answer fourth = TestSupport.post(root, other, true, Map.of("Authorization", AUTH));
        assertEquals(200, fourth.status(), fourth.body());
        String otherRun = fourth.json().get("runId").asText();
        assertTrue(!otherRun.equals(runId) && !fourth.json().has("repeated"), fourth.body());
        drive(runId, 1, 3);
        drive(otherRun, 1, 4);
    }

    @Test
    void everyEventThreeTimesInShuffledOrderLaunchesEachTaskOnce() throws Exception {
        register();
        String runId = given().header("Authorization", AUTH).contentType("application/json")
                .body("{\"pipeline\":{\"name\":\"random-sum\"},\"parameters\":{\"count\":\"5\"}}")
                .post("/api/v1/runs").then().statusCode(201).extract().path("runId");
        List<CloudEvent> all = drive(runId, 3, 42);
        String statusEtag = backend.store().stat(RunLayout.runStatus(runId)).orElseThrow().eTag();

        // the whole history once more, three times, shuffled: nothing changes
        List<CloudEvent> replay = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replay.addAll(all);
        }
        Collections.shuffle(replay, new Random(7));
        for (CloudEvent e : replay) {
            assertEquals(200, TestSupport.post(root, e, false, HOOK).status());
        }
        JsonNode view = view(runId);
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        for (JsonNode t : view.get("tasks")) {
            assertEquals(1, t.get("attempts").asInt(), t.toString());
            String exec = CapturedEventsProfile.CountingListener.STARTS.keySet().stream()
                    .filter(k -> k.contains(runId) && k.contains(t.get("name").asText())).findFirst().orElseThrow(
                            () -> new AssertionError("no launch of " + t + " in " + CapturedEventsProfile.CountingListener.STARTS));
            assertEquals(1, CapturedEventsProfile.CountingListener.STARTS.get(exec).get(), exec);
        }
        assertEquals(3, CapturedEventsProfile.CountingListener.STARTS.keySet().stream().filter(k -> k.contains(runId)).count());
        assertEquals(statusEtag, backend.store().stat(RunLayout.runStatus(runId)).orElseThrow().eTag(), "status.json written once");
    }

    @Test
    void tokensProtectTheApiAndTheWebhook() {
        given().contentType("application/json").body("{}").post("/api/v1/runs").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer").body("error", startsWith("missing bearer token"));
        given().header("Authorization", "Bearer wrong").get("/api/v1/runs/r-1").then().statusCode(401)
                .body("error", startsWith("wrong bearer token"));
        given().contentType("application/yaml").body((TestSupport.ECHO).getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines").then().statusCode(401);
        given().header("Authorization", AUTH).get("/api/v1/runs/r-20260101-000000-000000").then().statusCode(404);
        byte[] test = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"b\"}".getBytes();
        assertEquals(401, TestSupport.postRaw(webhook, Map.of("Content-Type", "application/json"), test).status());
        assertEquals(401, TestSupport.postRaw(webhook, Map.of("Content-Type", "application/json", "Authorization", AUTH), test).status());
        assertEquals(200, TestSupport.postRaw(webhook, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + CapturedEventsProfile.WEBHOOK_TOKEN), test).status());
        given().head("/minio/webhook").then().statusCode(200);
        String body = given().contentType("application/json").body("{}").post("/api/v1/runs").asString();
        assertTrue(!body.contains(CapturedEventsProfile.API_TOKEN), "the token is never echoed");
    }

    /**
     * Issue 13, failure 1: a run request carrying an inline pipeline that runs a shell command,
     * posted without the API token to {@code POST /} and to each function's own path, gets 401 and
     * writes nothing; the webhook token admits object events only.
     */
    @Test
    void aCloudEventWithoutTheApiTokenRunsNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        java.nio.file.Path marker = tmp.resolve("pwned");
        String pipeline = "name: pwn\nimplementation:\n  container:\n    image: alpine\n    command: [sh, -c, 'id > "
                + marker + "']\n";
        CloudEvent attack = CloudEventBuilder.v1().withId("pwn-" + java.util.UUID.randomUUID()).withType("dev.relay.run.requested")
                .withSource(URI.create("/attacker")).withDataContentType("application/json")
                .withData(("{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(pipeline) + "}}").getBytes(StandardCharsets.UTF_8))
                .build();
        int before = backend.store().list("runs/", false).size();
        for (String path : List.of("/", "/run-start", "/artifact", "/job-status")) {
            URI uri = root.resolve(path);
            for (boolean structured : List.of(true, false)) {
                TestSupport.Answer none = TestSupport.post(uri, attack, structured, Map.of());
                assertEquals(401, none.status(), path + ": " + none.body());
                assertTrue(none.body().contains("missing bearer token"), none.body());
                assertEquals(401, TestSupport.post(uri, attack, structured, Map.of("Authorization", "Bearer guess")).status(), path);
            }
        }
        for (boolean structured : List.of(true, false)) {
            TestSupport.Answer hook = TestSupport.post(root, attack, structured, HOOK);
            assertEquals(403, hook.status(), hook.body());
            assertTrue(hook.body().contains("object events only"), hook.body());
        }
        assertEquals(401, TestSupport.post(root.resolve("/run-start"), attack, true, HOOK).status());
        assertEquals(before, backend.store().list("runs/", false).size(), "no run.json was written");
        assertTrue(!java.nio.file.Files.exists(marker), "the command never ran");

        TestSupport.Answer ok = TestSupport.post(root, attack, true, Map.of("Authorization", AUTH));
        assertEquals(200, ok.status(), ok.body());
        assertEquals(before + 1, backend.store().list("runs/", false).size(), "with the API token the run is requested");
    }
}
