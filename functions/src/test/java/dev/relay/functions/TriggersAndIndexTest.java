package dev.relay.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.Json;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The wiring end to end on the embedded profile: upload and event triggers from
 * {@code examples/triggers/} (plus a test trigger), and the index endpoints after runs of
 * {@code examples/metrics-demo}.
 */
@QuarkusTest
@QuarkusTestResource(TriggersDirResource.class)
class TriggersAndIndexTest {
    @TestHTTPResource("/") URI root;
    @Inject Backend backend;

    /** Registers {@code count-rows} and {@code retrain} (again: 200). */
    static void register() throws Exception {
        for (String name : new String[] {"count-rows", "retrain"}) {
            byte[] yaml = java.nio.file.Files.readAllBytes(TestSupport.repo().resolve("examples/triggers/pipelines/" + name + ".yaml"));
            int status = given().contentType("application/yaml").body(yaml).post("/api/v1/pipelines?name=" + name).statusCode();
            assertTrue(status == 200 || status == 201, name + ": " + status);
        }
    }

    static JsonNode get(String path) {
        return read(given().get(path).then().statusCode(200).extract().asString());
    }

    static JsonNode read(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(body, e);
        }
    }

    /** Polls {@code path} until {@code done} holds (90 s). */
    static JsonNode await(String path, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            var r = given().get(path);
            if (r.statusCode() == 200) {
                last = read(r.asString());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " never got there: " + last);
    }

    /** Runs in the bucket (the truth; the index may lag) of {@code pipeline}. */
    java.util.List<String> runsOf(String pipeline) {
        return backend.store().list("runs/", true).stream().filter(k -> k.endsWith("/run.json"))
                .map(k -> k.substring("runs/".length(), k.length() - "/run.json".length()))
                .filter(id -> dev.relay.runner.run.RunView.load(backend.store(), id)
                        .map(v -> v.pipeline() != null && pipeline.equals(v.pipeline().name())).orElse(false))
                .toList();
    }

    void upload(String key, byte[] content) throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(backend.runtime().endpoint()).credentials(backend.runtime().accessKey(), backend.runtime().secretKey()).build();
        s3.putObject(PutObjectArgs.builder().bucket("mlpipeline").object(key)
                .stream(new ByteArrayInputStream(content), content.length, -1).contentType("text/csv").build());
    }

    @Test
    void anUploadStartsOneRunAndTheSameContentAgainNone() throws Exception {
        register();
        String nonce = UUID.randomUUID().toString();
        byte[] csv = ("sepal,petal,nonce\n1,2," + nonce + "\n3,4,x\n5,6,y\n").getBytes(StandardCharsets.UTF_8);
        String key = "datasets/iris v2+final.csv";
        java.util.Set<String> before = new java.util.HashSet<>(runsOf("count-rows"));
        upload(key, csv);
        long deadline = System.nanoTime() + 30_000_000_000L;
        java.util.List<String> started = java.util.List.of();
        while (System.nanoTime() < deadline && started.isEmpty()) {
            Thread.sleep(200);
            started = runsOf("count-rows").stream().filter(id -> !before.contains(id)).toList();
        }
        assertEquals(1, started.size(), "one run: " + started);
        String runId = started.get(0);
        JsonNode run = await("/api/v1/runs/" + runId, r -> r.path("finishedAt").isTextual());
        assertEquals("s3://mlpipeline/datasets/iris v2+final.csv", run.path("parameters").path("dataset").asText(), run.toString());
        assertEquals("Succeeded", run.path("phase").asText(), run.toString());
        assertEquals("upload-trigger", run.path("cause").path("kind").asText(), run.toString());
        String rowsUri = run.path("tasks").get(0).path("outputs").path("rows").asText();
        String rowsKey = rowsUri.substring("s3://mlpipeline/".length());
        assertEquals("3", new String(backend.store().get(rowsKey).orElseThrow(), StandardCharsets.UTF_8).trim());
        // issue 13: {{ object.uri }} bound to the file input is an explicit artifact reference, the only way an object is read
        JsonNode doc = read(new String(backend.store().get(dev.relay.runner.contract.RunLayout.runJson(runId)).orElseThrow(),
                StandardCharsets.UTF_8));
        assertEquals("[\"dataset\"]", doc.path("references").toString(), doc.toString());

        upload(key, csv);
        upload("other/iris.csv", csv);
        Thread.sleep(1500);
        assertEquals(1, runsOf("count-rows").stream().filter(id -> !before.contains(id)).count(),
                "the same content again and another prefix start nothing");
    }

    CloudEvent event(String type, String id, String data) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/monitor"))
                .withSubject("models/iris").withDataContentType("application/json")
                .withData(data.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void aDriftEventStartsTheRetrainingOnce() throws Exception {
        register();
        String id = "drift-" + UUID.randomUUID();
        CloudEvent drift = event("com.example.model.drift", id, "{\"model\":\"iris\",\"score\":0.42}");
        TestSupport.Answer a = TestSupport.post(root, drift, false, Map.of());
        assertEquals(201, a.status(), a.body());
        String runId = a.json().path("runs").path("retrain-on-drift").asText();
        assertTrue(!runId.isEmpty(), a.body());
        JsonNode run = await("/api/v1/runs/" + runId, r -> r.path("finishedAt").isTextual());
        assertEquals("iris", run.path("parameters").path("model").asText(), run.toString());
        assertEquals("0.42", run.path("parameters").path("score").asText(), run.toString());
        assertEquals("com.example.model.drift", run.path("parameters").path("reason").asText(), run.toString());
        assertEquals("Succeeded", run.path("phase").asText(), run.toString());
        JsonNode doc = read(new String(backend.store().get(dev.relay.runner.contract.RunLayout.runJson(runId)).orElseThrow(),
                StandardCharsets.UTF_8));
        assertEquals(0, doc.path("references").size(), "an event trigger's values are literal: " + doc);

        TestSupport.Answer again = TestSupport.post(root, drift, true, Map.of());
        assertEquals(200, again.status(), again.body());
        assertTrue(again.json().path("runs").isEmpty(), again.body());

        int retrains = runsOf("retrain").size();
        TestSupport.Answer low = TestSupport.post(root, event("com.example.model.drift", "drift-" + UUID.randomUUID(),
                "{\"model\":\"iris\",\"score\":0.1}"), false, Map.of());
        assertEquals(202, low.status(), low.body());
        assertTrue(low.body().contains("no trigger matched"), low.body());
        assertTrue(low.json().path("reasons").has("retrain-on-drift"), low.body());

        TestSupport.Answer missing = TestSupport.post(root, event(TriggersDirResource.OWNER_TYPE, "o-" + UUID.randomUUID(),
                "{\"model\":\"iris\"}"), false, Map.of());
        assertEquals(422, missing.status(), missing.body());
        assertEquals("data.owner", missing.json().path("field").asText(), missing.body());
        assertEquals(retrains, runsOf("retrain").size(), "nothing started");

        TestSupport.Answer unknown = TestSupport.post(root, event("com.example.nobody", "u-1", "{}"), false, Map.of());
        assertEquals(400, unknown.status(), unknown.body());
        assertTrue(unknown.body().contains("com.example.nobody"), unknown.body());
    }

    @Test
    void finishedRunsAreListedWithTheirMetricsAndCompared() throws Exception {
        String yaml = TestSupport.inlined("examples/metrics-demo/pipeline.yaml");
        String[] ids = new String[2];
        for (int i = 0; i < 2; i++) {
            Map<String, Object> req = Map.of("pipeline", Map.of("inline", yaml), "parameters", Map.of("epochs", i + 1));
            ids[i] = read(given().contentType("application/json").body(Json.bytes(req)).post("/api/v1/runs")
                    .then().statusCode(201).extract().asString()).path("runId").asText();
        }
        for (String id : ids) {
            JsonNode m = await("/api/v1/runs/" + id + "/metrics", d -> d.path("metrics").size() > 0);
            assertNotNull(m.path("metrics").get(0).path("name").asText(null), m.toString());
            await("/api/v1/runs/" + id, d -> "Succeeded".equals(d.path("phase").asText()) && d.path("metrics").size() > 0);
        }
        JsonNode list = await("/api/v1/runs?pipeline=metrics-demo", d -> {
            int done = 0;
            for (JsonNode r : d.path("runs")) {
                if ((r.path("runId").asText().equals(ids[0]) || r.path("runId").asText().equals(ids[1]))
                        && "Succeeded".equals(r.path("phase").asText()) && r.path("metrics").size() > 0) {
                    done++;
                }
            }
            return done == 2;
        });
        assertTrue(list.path("metricColumns").size() > 0, list.toString());
        JsonNode cmp = get("/api/v1/compare?runs=" + ids[0] + "," + ids[1]);
        assertEquals(2, cmp.path("runs").size(), cmp.toString());
        assertTrue(cmp.toString().contains(ids[0]) && cmp.toString().contains(ids[1]), cmp.toString());
        given().get("/api/v1/compare?runs=" + ids[0] + ",r-nope-000000").then().statusCode(404);
        given().get("/api/v1/compare").then().statusCode(400);
        given().get("/api/v1/runs/r-nope-000000/metrics").then().statusCode(404);
        JsonNode vis = get("/api/v1/runs/" + ids[0] + "/visualizations");
        assertTrue(vis.has("visualizations"), vis.toString());
    }

    /** Issue 13: an explicit artifact reference may name an object a loaded upload trigger watches, and no other. */
    @Test
    void aReferenceMayNameAnObjectALoadedTriggerWatches() throws Exception {
        register();
        byte[] csv = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        String watched = "s3://mlpipeline/datasets/by-reference.csv";
        backend.store().put("datasets/by-reference.csv", csv);
        String body = "{\"pipeline\":{\"name\":\"count-rows\"},\"parameters\":{\"dataset\":{\"uri\":\"%s\"}}}";
        String runId = read(given().contentType("application/json").body(String.format(body, watched)).post("/api/v1/runs")
                .then().statusCode(201).extract().asString()).path("runId").asText();
        JsonNode run = await("/api/v1/runs/" + runId, r -> r.path("finishedAt").isTextual());
        assertEquals("Succeeded", run.path("phase").asText(), run.toString());
        String rowsKey = run.path("tasks").get(0).path("outputs").path("rows").asText().substring("s3://mlpipeline/".length());
        assertEquals("1", new String(backend.store().get(rowsKey).orElseThrow(), StandardCharsets.UTF_8).trim());
        // datasets/*.csv is watched; a .txt beside it and another prefix are not
        for (String uri : new String[] {"s3://mlpipeline/datasets/by-reference.txt", "s3://mlpipeline/other/iris.csv"}) {
            given().contentType("application/json").body(String.format(body, uri)).post("/api/v1/runs")
                    .then().statusCode(422).body("field", org.hamcrest.Matchers.equalTo("parameters.dataset"));
        }
    }
}
