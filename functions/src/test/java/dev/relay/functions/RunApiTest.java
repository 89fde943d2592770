package dev.relay.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.contract.RunLayout;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The run and pipeline API on the embedded profile: runs advance through the in-process event path. */
@QuarkusTest
class RunApiTest {
    @Inject Backend backend;
    @Inject dev.relay.functions.app.RelayConfig config;
    @Inject dev.relay.functions.app.LauncherFactory launchers;

    /**
     * A second server's start ({@link Backend}'s constructor, as Quarkus runs it) on the running
     * app's state dir is refused at once, naming the running server; it writes no {@code server.json}
     * (before, it wrote its own and then failed on the taken port, leaving {@code relay upload} without a server).
     */
    @Test
    void aSecondServerOnTheSameStateDirIsRefusedAndServerJsonStillNamesTheFirst() throws Exception {
        Path serverJson = Path.of(config.stateDir()).resolve("server.json");
        byte[] before = Files.readAllBytes(serverJson);
        String http = Json.MAPPER.readTree(before).get("http").asText();
        io.quarkus.runtime.configuration.ConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.quarkus.runtime.configuration.ConfigurationException.class,
                () -> new Backend(config, launchers, null, null, "127.0.0.1", 18090));
        assertTrue(e.getMessage().contains("state dir " + config.stateDir() + " is already served by relay server pid "
                + ProcessHandle.current().pid() + " at " + http), e.getMessage());
        assertTrue(Arrays.equals(before, Files.readAllBytes(serverJson)), "server.json still names the first server");
    }

    static String inline(String yaml, String params) {
        return "{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(yaml) + "},\"parameters\":" + params + "}";
    }

    /** Polls GET /api/v1/runs/{id} until the run has finished. */
    static JsonNode await(String runId, String... auth) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            var req = given();
            if (auth.length > 0) {
                req = req.header("Authorization", "Bearer " + auth[0]);
            }
            Response r = req.get("/api/v1/runs/" + runId);
            assertEquals(200, r.statusCode(), r.asString());
            JsonNode view = Json.MAPPER.readTree(r.asString());
            if (view.hasNonNull("finishedAt")) {
                return view;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " did not finish");
    }

    @Test
    void registerTheSeedThenRunItByNameToCompletion() throws Exception {
        String yaml = TestSupport.seedYaml();
        String version = PipelineRegistry.defaultVersion(yaml.getBytes(StandardCharsets.UTF_8));
        given().contentType("application/yaml").body((yaml).getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines?name=random-sum")
                .then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(201), equalTo(200))) // 200: state of an earlier test run
                .body("name", equalTo("random-sum")).body("version", equalTo(version))
                .body("uri", equalTo("s3://mlpipeline/pipelines/random-sum/" + version + "/pipeline.yaml"));
        given().contentType("application/yaml").body((yaml).getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines?name=random-sum")
                .then().statusCode(200).body("created", equalTo(false));
        given().contentType("application/yaml").body((yaml + "\n# other\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines?name=random-sum&version=" + version)
                .then().statusCode(409).body("field", equalTo("version"));

        Response created = given().contentType("application/json")
                .body("{\"pipeline\":{\"name\":\"random-sum\",\"version\":\"latest\"},\"parameters\":{\"count\":\"7\"}}")
                .post("/api/v1/runs");
        created.then().statusCode(201).body("phase", equalTo("Pending")).header("Location", containsString("/api/v1/runs/r-"));
        String runId = created.jsonPath().getString("runId");
        assertEquals("/api/v1/runs/" + runId, created.jsonPath().getString("links.self"));

        JsonNode view = await(runId);
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        assertEquals("random-sum", view.get("pipeline").get("name").asText());
        assertEquals(version, view.get("pipeline").get("version").asText());
        assertEquals("http", view.get("cause").get("kind").asText());
        assertEquals("7", view.get("parameters").get("count").asText());
        assertEquals(3, view.get("tasks").size());
        String numbers = new String(backend.store().get(RunLayout.output(runId, "gen", "numbers")).orElseThrow(), StandardCharsets.UTF_8);
        int sum = Arrays.stream(numbers.split("\\s+")).filter(s -> !s.isBlank()).mapToInt(Integer::parseInt).sum();
        String printed = new String(backend.store().get(RunLayout.attemptLog(runId, "print", 1)).orElseThrow(), StandardCharsets.UTF_8);
        assertEquals(Integer.toString(sum), printed.strip());
    }

    @Test
    void anInlinePipelineRuns() throws Exception {
        Response r = given().contentType("application/json").body(inline(TestSupport.ECHO, "{\"text\":\"$HOME; rm -rf / 'q'\"}"))
                .post("/api/v1/runs");
        r.then().statusCode(201);
        JsonNode view = await(r.jsonPath().getString("runId"));
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        String log = new String(backend.store().get(RunLayout.attemptLog(view.get("runId").asText(), "echo", 1)).orElseThrow(),
                StandardCharsets.UTF_8);
        assertEquals("$HOME; rm -rf / 'q'", log.strip(), "the value reaches the program byte for byte");
    }

    @Test
    void badRunRequestsNameTheFieldAndWriteNothing() throws Exception {
        int before = backend.store().list("runs/", false).size();
        given().contentType("application/json").body("{nope").post("/api/v1/runs").then().statusCode(400)
                .body("error", startsWith("body is not JSON"));
        given().contentType("application/json").body("[]").post("/api/v1/runs").then().statusCode(400);
        given().contentType("application/json").body("{}").post("/api/v1/runs").then().statusCode(422).body("field", equalTo("pipeline"));
        given().contentType("application/json").body("{\"pipeline\":{\"name\":\"x\",\"inline\":\"a: b\"}}").post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("pipeline"));
        given().contentType("application/json").body("{\"pipeline\":{\"name\":\"no-such\"}}").post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("pipeline.name")).body("error", containsString("'no-such'"));
        given().contentType("application/json").body("{\"pipeline\":{\"name\":\"../etc\"}}").post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("pipeline.name"));
        given().contentType("application/json").body("{\"pipeline\":{\"name\":7}}").post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("pipeline.name"));
        given().contentType("application/json").body(inline(TestSupport.ECHO, "{\"nope\":\"1\"}")).post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("parameters")).body("error", containsString("unknown parameter 'nope'"));
        given().contentType("application/json").body(inline(TestSupport.ECHO, "{\"text\":{\"a\":1}}")).post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("parameters.text"));
        given().contentType("application/json").body(inline(TestSupport.ECHO, "[1]")).post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("parameters"));
        String seedWithUrls = Files.readString(TestSupport.repo().resolve("examples/random-sum/pipeline.yaml"));
        given().contentType("application/json").body(inline(seedWithUrls, "{}")).post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("pipeline.inline")).body("error", containsString("componentRef.url"));
        given().contentType("application/json").body(inline("name: x\nimplementation: {container: {}}\n", "{}")).post("/api/v1/runs")
                .then().statusCode(422).body("field", equalTo("pipeline.inline")).body("errors[0]", startsWith("inline:"));
        assertEquals(before, backend.store().list("runs/", false).size(), "nothing written for a bad request");
    }

    @Test
    void unknownRunsAre404AndPipelineUploadsAreChecked() {
        given().get("/api/v1/runs/r-20260101-000000-000000").then().statusCode(404).body("error", containsString("no run"));
        given().get("/api/v1/runs/NOT_A_LABEL").then().statusCode(404);
        given().contentType("application/yaml").body(("").getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines?name=x").then().statusCode(400);
        given().contentType("application/yaml").body(("name: x\nimplementation: {container: {}}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines?name=x")
                .then().statusCode(422).body("errors.size()", equalTo(1));
        given().contentType("application/yaml").body((TestSupport.ECHO).getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines?name=a/b").then().statusCode(422)
                .body("field", equalTo("name"));
        given().contentType("application/yaml").body((TestSupport.ECHO).getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines?name=echo&version=latest")
                .then().statusCode(422).body("field", equalTo("version"));
        given().contentType("text/plain").body((TestSupport.ECHO).getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines")
                .then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(201), equalTo(200))).body("name", equalTo("echo"));
    }

    @Test
    void theEmbeddedProfileWritesServerJsonAndAnswersTheWebhookLiveness() throws Exception {
        JsonNode doc = Json.MAPPER.readTree(Files.readAllBytes(Path.of("target/relay-test-state/server.json")));
        assertTrue(doc.get("s3Endpoint").asText().startsWith("http://127.0.0.1:"), doc.toString());
        // per-state-dir keys (secrets.json), never the well-known defaults
        dev.relay.runner.contract.StateSecrets secrets = dev.relay.runner.contract.StateSecrets.of(Path.of("target/relay-test-state"));
        assertEquals(secrets.s3AccessKey(), doc.get("accessKey").asText());
        assertEquals(secrets.s3SecretKey(), doc.get("secretKey").asText());
        assertNotEquals("minio", doc.get("accessKey").asText());
        assertNotEquals("minio123", doc.get("secretKey").asText());
        // issue 13: every file Relay writes that holds a secret is 0600
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Path.of("target/relay-test-state/server.json"))));
        assertTrue(doc.has("http"));
        given().head("/minio/webhook").then().statusCode(200);
        given().get("/").then().statusCode(200).body("functions", hasItem("artifact"));
    }
}
