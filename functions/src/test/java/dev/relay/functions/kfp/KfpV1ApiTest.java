package dev.relay.functions.kfp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.TestSupport;
import dev.relay.runner.contract.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * KFP's v1beta1 API as the KFP 1.8 client calls it ({@code kfp_server_api} 1.8's documented REST
 * shapes): healthz, uploading a compiled KFP 1.8 package ({@code .tar.gz}), experiments by name,
 * a run from the uploaded pipeline and its default version to {@code Succeeded}, a run from an
 * inline {@code workflow_manifest}, listing by experiment, and errors as
 * {@code {"error_message", "error_details", "code"}} naming the field.
 */
@QuarkusTest
class KfpV1ApiTest {
    static final String UUID_RE = KfpApiTest.UUID_RE;

    @jakarta.inject.Inject dev.relay.functions.app.Backend backend;

    static Path seedPackage() {
        Path p = TestSupport.shared().map(s -> s.resolve("cases/v1_kfp_sdk/seed/random_sum_funcs_v1.tar.gz")).orElse(null);
        assumeTrue(p != null && Files.isRegularFile(p), "skipped: ../shared/cases/v1_kfp_sdk/seed/random_sum_funcs_v1.tar.gz is absent");
        return p;
    }

    /** Polls GET /apis/v1beta1/runs/{id} until run.status is final (the KFP 1.8 client's finish states). */
    static JsonNode await(String runId) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            Response r = given().get("/apis/v1beta1/runs/" + runId);
            assertEquals(200, r.statusCode(), r.asString());
            JsonNode detail = Json.MAPPER.readTree(r.asString());
            if (List.of("succeeded", "failed", "skipped", "error").contains(detail.path("run").path("status").asText().toLowerCase())) {
                return detail;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " did not finish");
    }

    @Test
    void healthz() {
        given().get("/apis/v1beta1/healthz").then().statusCode(200).body("multi_user", equalTo(false));
    }

    @Test
    void aKfp18PackageUploadsAndRunsFromItsVersionInAnExperiment() throws Exception {
        String name = "seed-v1-" + UUID.randomUUID().toString().substring(0, 8);
        Response up = given().multiPart("uploadfile", seedPackage().toFile(), "application/gzip")
                .queryParam("name", name).queryParam("description", "KFP 1.8 package").post("/apis/v1beta1/pipelines/upload");
        up.then().statusCode(200).body("id", matchesPattern(UUID_RE)).body("name", equalTo(name))
                .body("description", equalTo("KFP 1.8 package")).body("default_version.id", matchesPattern(UUID_RE))
                .body("default_version.resource_references[0].key.type", equalTo("PIPELINE"));
        String pipelineId = up.jsonPath().getString("id");
        String versionId = up.jsonPath().getString("default_version.id");
        String stored = given().get("/apis/v2beta1/pipelines/" + pipelineId + "/versions/" + versionId).jsonPath()
                .getString("package_url.pipeline_url");
        assertTrue(stored.endsWith("/pipeline.tar.gz"), "the package is stored as uploaded, not renamed to .yaml: " + stored);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(seedPackage()),
                backend.store().get(stored.substring(stored.indexOf("/pipelines/") + 1)).orElseThrow()));
        given().get("/apis/v1beta1/pipelines/" + pipelineId).then().statusCode(200).body("default_version.id", equalTo(versionId));
        given().queryParam("resource_key.type", "PIPELINE").queryParam("resource_key.id", pipelineId)
                .get("/apis/v1beta1/pipeline_versions").then().statusCode(200).body("versions.size()", equalTo(1))
                .body("versions[0].id", equalTo(versionId));

        String exp = "v1-exp-" + UUID.randomUUID().toString().substring(0, 8);
        String expId = given().contentType("application/json").body("{\"name\": \"" + exp + "\", \"description\": \"d\"}")
                .post("/apis/v1beta1/experiments").then().statusCode(200).body("storage_state", equalTo("STORAGESTATE_AVAILABLE"))
                .extract().path("id");
        // the KFP 1.8 client's get_experiment(experiment_name=...): a filter on "name" with "op"
        given().queryParam("filter", "{\"predicates\": [{\"key\": \"name\", \"op\": \"EQUALS\", \"string_value\": \"" + exp + "\"}]}")
                .get("/apis/v1beta1/experiments").then().statusCode(200).body("experiments.size()", equalTo(1))
                .body("experiments[0].id", equalTo(expId));

        String body = "{\"name\": \"seed run\", \"pipeline_spec\": {\"pipeline_id\": \"" + pipelineId + "\","
                + " \"parameters\": [{\"name\": \"count\", \"value\": \"3\"}]},"
                + " \"resource_references\": [{\"key\": {\"type\": \"EXPERIMENT\", \"id\": \"" + expId + "\"}, \"relationship\": \"OWNER\"},"
                + " {\"key\": {\"type\": \"PIPELINE_VERSION\", \"id\": \"" + versionId + "\"}, \"relationship\": \"CREATOR\"}]}";
        Response created = given().contentType("application/json").body(body).post("/apis/v1beta1/runs");
        created.then().statusCode(200).body("run.name", equalTo("seed run"))
                .body("run.resource_references.key.type", hasItem("EXPERIMENT"));
        String runId = created.jsonPath().getString("run.id");
        JsonNode done = await(runId);
        assertEquals("Succeeded", done.path("run").path("status").asText(), done.toString());
        assertEquals("3", done.path("run").path("pipeline_spec").path("parameters").get(0).path("value").asText());
        JsonNode wf = Json.MAPPER.readTree(done.path("pipeline_runtime").path("workflow_manifest").asText());
        assertEquals("Succeeded", wf.path("status").path("phase").asText());
        assertTrue(wf.path("status").path("nodes").size() >= 2, wf.toString());
        wf.path("status").path("nodes").forEach(n -> assertEquals("Succeeded", n.path("phase").asText(), n.toString()));

        given().queryParam("resource_reference_key.type", "EXPERIMENT").queryParam("resource_reference_key.id", expId)
                .get("/apis/v1beta1/runs").then().statusCode(200).body("runs.size()", equalTo(1)).body("runs[0].id", equalTo(runId))
                .body("total_size", equalTo(1));
    }

    @Test
    void aWorkflowManifestRunsInline() throws Exception {
        String workflow = Files.readString(seedPackage().resolveSibling("random_sum_funcs_v1.yaml"));
        String body = Json.MAPPER.createObjectNode().put("name", "inline v1")
                .set("pipeline_spec", Json.MAPPER.createObjectNode().put("workflow_manifest", workflow)).toString();
        Response created = given().contentType("application/json").body(body).post("/apis/v1beta1/runs");
        created.then().statusCode(200);
        JsonNode done = await(created.jsonPath().getString("run.id"));
        assertEquals("Succeeded", done.path("run").path("status").asText(), done.toString());
    }

    @Test
    void badRequestsGetV1ErrorsNamingTheField() {
        given().contentType("application/json").body("{\"name\": \"x\", \"pipeline_spec\": {\"pipeline_id\": \"" + UUID.randomUUID() + "\"}}")
                .post("/apis/v1beta1/runs").then().statusCode(404).body("code", equalTo(5))
                .body("error_message", containsString("pipeline_spec.pipeline_id")).body("error_details", containsString("pipeline"))
                .body("$", not(org.hamcrest.Matchers.hasKey("details")));
        given().contentType("application/json").body("{\"name\": \"x\", \"pipeline_spec\": {\"workflow_manifest\": \"kind: [unclosed\"}}")
                .post("/apis/v1beta1/runs").then().statusCode(400).body("code", equalTo(3))
                .body("error_message", containsString("pipeline_spec"));
        String required = "name: need\ninputs: [{name: must}]\nimplementation: {container: {image: a, command: [echo, {inputValue: must}]}}\n";
        given().contentType("application/json").body(Json.MAPPER.createObjectNode().put("name", "x")
                        .set("pipeline_spec", Json.MAPPER.createObjectNode().put("workflow_manifest", required)).toString())
                .post("/apis/v1beta1/runs").then().statusCode(400).body("error_message", containsString("pipeline_spec.parameters"))
                .body("error_message", containsString("must"));
        given().contentType("application/json").body("{\"name\": \"x\", \"resource_references\": [{\"key\": {\"type\": \"EXPERIMENT\","
                        + " \"id\": \"" + UUID.randomUUID() + "\"}}], \"pipeline_spec\": {\"workflow_manifest\": \"" + "name: e\" }}")
                .post("/apis/v1beta1/runs").then().statusCode(404).body("error_message", containsString("EXPERIMENT"));
        given().queryParam("filter", "{\"predicates\": [{\"key\": \"colour\", \"op\": \"EQUALS\", \"string_value\": \"x\"}]}")
                .get("/apis/v1beta1/experiments").then().statusCode(400).body("error_message", containsString("filter"))
                .body("error_message", containsString("colour"));
        given().get("/apis/v1beta1/runs/no-such-run").then().statusCode(404).body("error_message", containsString("run_id"));
    }
}
