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
                TestSupport.Answer a = TestSupport.post(root, e, n++ % 2 == 0, Map.of());
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
        TestSupport.Answer a = TestSupport.post(root, requested, true, Map.of());
        assertEquals(200, a.status(), a.body());
        String runId = a.json().get("runId").asText();
        drive(runId, 1, 2);
        JsonNode view = view(runId);
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        assertEquals("req-1", view.get("cause").get("event").get("id").asText());
        assertEquals("/ci/nightly", view.get("cause").get("event").get("source").asText());

        CloudEvent bad = CloudEventBuilder.v1(requested).withData("{\"pipeline\":{}}".getBytes()).build();
        TestSupport.Answer b = TestSupport.post(root, bad, false, Map.of());
        assertEquals(422, b.status(), b.body());
        assertEquals("pipeline.name", b.json().get("field").asText());
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
            assertEquals(200, TestSupport.post(root, e, false, Map.of()).status());
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
}
