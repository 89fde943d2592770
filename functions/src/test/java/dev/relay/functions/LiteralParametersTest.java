package dev.relay.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, failure 6: a parameter value sent over HTTP or as an event is the file's text, always;
 * an object is read only through an explicit artifact reference {@code {"uri": "s3://…"}}, and only
 * for objects Relay owns (runs/, pipelines/) or a loaded upload trigger watches.
 */
@QuarkusTest
class LiteralParametersTest {
    /** One task that copies its file input to its output, byte for byte. */
    static final String COPY = """
            name: copy-input
            inputs: [{name: data}]
            outputs: [{name: copy}]
            implementation:
              container:
                image: alpine
                command: [sh, -c, 'cat "$0" > "$1"', {inputPath: data}, {outputPath: copy}]
            """;

    @TestHTTPResource("/") URI root;
    @Inject Backend backend;
    String secretKey;
    String secretUri;

    @BeforeEach
    void secret() {
        secretKey = "runs/r-secret-" + UUID.randomUUID().toString().substring(0, 8) + "/inputs/secret";
        backend.store().put(secretKey, "TOP SECRET".getBytes(StandardCharsets.UTF_8));
        secretUri = "s3://" + backend.store().bucket() + "/" + secretKey;
    }

    /** The content the program copied from its file input in a finished run. */
    String copied(String runId) throws Exception {
        JsonNode view = RunApiTest.await(runId);
        assertEquals("Succeeded", view.path("phase").asText(), view.toString());
        String uri = view.path("tasks").get(0).path("outputs").path("copy").asText();
        String key = uri.substring(("s3://" + backend.store().bucket() + "/").length());
        return new String(backend.store().get(key).orElseThrow(), StandardCharsets.UTF_8);
    }

    JsonNode runJson(String runId) throws Exception {
        return Json.MAPPER.readTree(backend.store().get(RunLayout.runJson(runId)).orElseThrow());
    }

    Response post(String parameters) {
        return given().contentType("application/json").body(RunApiTest.inline(COPY, parameters)).post("/api/v1/runs");
    }

    int runCount() {
        return backend.store().list("runs/", false).size();
    }

    @Test
    void anS3StringSentOverHttpReachesTheProgramAsText() throws Exception {
        Response r = post("{\"data\": \"" + secretUri + "\"}");
        assertEquals(201, r.statusCode(), r.asString());
        String runId = r.jsonPath().getString("runId");
        assertEquals(secretUri, copied(runId), "the value is the file's text, not the object");
        assertEquals(0, runJson(runId).path("references").size(), runJson(runId).toString());
        // an @PATH is text too, never a local file
        Response at = post("{\"data\": \"@/etc/passwd\"}");
        assertEquals(201, at.statusCode(), at.asString());
        assertEquals("@/etc/passwd", copied(at.jsonPath().getString("runId")));
    }

    @Test
    void anS3StringInARunRequestedEventReachesTheProgramAsText() throws Exception {
        String data = RunApiTest.inline(COPY, "{\"data\": \"" + secretUri + "\"}");
        CloudEvent e = CloudEventBuilder.v1().withId("lit-" + UUID.randomUUID()).withType("dev.relay.run.requested")
                .withSource(URI.create("/test/literal")).withDataContentType("application/json")
                .withData(data.getBytes(StandardCharsets.UTF_8)).build();
        TestSupport.Answer a = TestSupport.post(root, e, true, Map.of());
        assertEquals(200, a.status(), a.body());
        assertEquals(secretUri, copied(a.json().path("runId").asText()));
    }

    @Test
    void anExplicitReferenceToAnObjectRelayOwnsIsRead() throws Exception {
        Response r = post("{\"data\": {\"uri\": \"" + secretUri + "\"}}");
        assertEquals(201, r.statusCode(), r.asString());
        String runId = r.jsonPath().getString("runId");
        assertEquals("TOP SECRET", copied(runId));
        JsonNode doc = runJson(runId);
        assertEquals("[\"data\"]", doc.path("references").toString(), doc.toString());
        assertEquals(secretUri, doc.path("parameters").path("data").asText());
    }

    @Test
    void aReferenceOutsideWhatRelayOwnsIsRefusedNamingTheParameter() {
        String bucket = backend.store().bucket();
        backend.store().put("private/key.txt", "x".getBytes(StandardCharsets.UTF_8));
        int before = runCount();
        for (String uri : new String[] {"s3://" + bucket + "/private/key.txt", "s3://" + bucket + "/triggers/seen/x",
                "s3://other-bucket/runs/x", "s3://" + bucket + "/runs/../private/key.txt", "s3://" + bucket + "/runs//x",
                "s3://" + bucket, "/etc/passwd"}) {
            Response r = post("{\"data\": {\"uri\": \"" + uri + "\"}}");
            assertEquals(422, r.statusCode(), uri + ": " + r.asString());
            assertEquals("parameters.data", r.jsonPath().getString("field"), r.asString());
            assertTrue(r.jsonPath().getString("error").startsWith("parameters.data: "), r.asString());
        }
        for (String value : new String[] {"{\"uri\": 5}", "{\"uri\": \"" + secretUri + "\", \"x\": 1}", "{\"path\": \"/etc\"}", "[1]"}) {
            Response r = post("{\"data\": " + value + "}");
            assertEquals(422, r.statusCode(), value + ": " + r.asString());
            assertEquals("parameters.data", r.jsonPath().getString("field"), r.asString());
            assertTrue(r.jsonPath().getString("error").contains("{\"uri\": \"s3://BUCKET/KEY\"}"), r.asString());
        }
        assertEquals(before, runCount(), "nothing written for a refused request");
    }

    /** A KFP v2 pipeline whose root input artifact one task copies to its output parameter. */
    static final String IR = """
            pipelineInfo: {name: copy-artifact}
            schemaVersion: 2.1.0
            sdkVersion: kfp-2.15.2
            components:
              comp-show:
                executorLabel: exec-show
                inputDefinitions:
                  artifacts:
                    data: {artifactType: {schemaTitle: system.Artifact, schemaVersion: 0.0.1}}
                outputDefinitions:
                  parameters:
                    Output: {parameterType: STRING}
            deploymentSpec:
              executors:
                exec-show:
                  container:
                    image: python:3.11
                    command: [sh, -c, 'mkdir -p "$(dirname "$1")" && cat "$0" > "$1"']
                    args: ["{{$.inputs.artifacts['data'].path}}", "{{$.outputs.parameters['Output'].output_file}}"]
            root:
              inputDefinitions:
                artifacts:
                  data: {artifactType: {schemaTitle: system.Artifact, schemaVersion: 0.0.1}}
              dag:
                tasks:
                  show:
                    componentRef: {name: comp-show}
                    inputs:
                      artifacts:
                        data: {componentInputArtifact: data}
                    taskInfo: {name: show}
            """;

    /** KFP's API (and the web UI's artifact field) pass an object only as {"uri": …}: the IR input artifact gets it. */
    @Test
    void theKfpApiTakesAnExplicitReferenceForAnInputArtifact() throws Exception {
        String body = "{\"display_name\": \"ref\", \"pipeline_spec\": " + Json.MAPPER.writeValueAsString(
                Json.MAPPER.readTree(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(IR).toString()))
                + ", \"runtime_config\": {\"parameters\": {\"data\": {\"uri\": \"" + secretUri + "\"}}}}";
        Response r = given().contentType("application/json").body(body).post("/apis/v2beta1/runs");
        assertEquals(200, r.statusCode(), r.asString());
        String runId = r.jsonPath().getString("run_id");
        JsonNode view = RunApiTest.await(runId);
        assertEquals("Succeeded", view.path("phase").asText(), view.toString());
        JsonNode status = Json.MAPPER.readTree(backend.store().get(RunLayout.attemptStatus(runId, "show", 1)).orElseThrow());
        assertEquals("TOP SECRET", status.path("parameters").path("Output").asText(), status.toString());
        // a reference the run starter does not admit is refused naming the parameter
        Response bad = given().contentType("application/json").body(body.replace(secretUri, "s3://mlpipeline/private/x"))
                .post("/apis/v2beta1/runs");
        assertTrue(bad.statusCode() == 400 || bad.statusCode() == 422, bad.asString());
        assertTrue(bad.asString().contains("parameters.data"), bad.asString());
    }
}
