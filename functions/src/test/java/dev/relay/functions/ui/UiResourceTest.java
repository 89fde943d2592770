package dev.relay.functions.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.TestSupport;
import dev.relay.runner.contract.Json;
import dev.relay.functions.app.Backend;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The UI's own endpoints beyond the graph ({@code PipelineGraphTest}): the runs' display names and
 * experiments ({@code GET /api/v1/run-records}), the graph's {@code ETag} and the run form's file
 * uploads ({@code POST /api/v1/uploads}).
 */
@QuarkusTest
class UiResourceTest {
    @Inject Backend backend;

    private static String kfpRun(String displayName, String experimentId) {
        JsonNode spec = Json.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(TestSupport.ECHO));
        String body = "{\"display_name\": \"" + displayName + "\"" + (experimentId == null ? "" : ", \"experiment_id\": \"" + experimentId + "\"")
                + ", \"pipeline_spec\": " + spec + ", \"runtime_config\": {\"parameters\": {\"text\": \"records\"}}}";
        return given().contentType("application/json").body(body).post("/apis/v2beta1/runs").then().statusCode(200)
                .extract().path("run_id");
    }

    @Test
    void runRecordsGiveDisplayNamesAndExperiments() {
        String expName = "records-exp-" + System.nanoTime();
        String exp = given().contentType("application/json").body("{\"display_name\": \"" + expName + "\"}")
                .post("/apis/v2beta1/experiments").then().statusCode(200).extract().path("experiment_id");
        String inExp = kfpRun("nightly records", exp);
        String inDefault = kfpRun("default records", null);
        String http = given().contentType("application/json")
                .body("{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(TestSupport.ECHO) + "},\"parameters\":{\"text\":\"x\"}}")
                .post("/api/v1/runs").then().statusCode(201).extract().path("runId");
        JsonNode r = Json.MAPPER.valueToTree(given().get("/api/v1/run-records?runs=" + inExp + "," + inDefault + "," + http)
                .then().statusCode(200).extract().jsonPath().getMap("records"));
        assertEquals("nightly records", r.path(inExp).path("displayName").asText());
        assertEquals(exp, r.path(inExp).path("experimentId").asText());
        assertEquals(expName, r.path(inExp).path("experiment").asText());
        assertEquals("default records", r.path(inDefault).path("displayName").asText());
        assertEquals("Default", r.path(inDefault).path("experiment").asText());
        // a run started without KFP's API: Default, shown by its id
        assertEquals(http, r.path(http).path("displayName").asText());
        assertEquals("Default", r.path(http).path("experiment").asText());
        // the experiment deleted: its runs are in Default (the record is cached, the experiment is checked each time)
        given().delete("/apis/v2beta1/experiments/" + exp).then().statusCode(200);
        given().get("/api/v1/run-records?runs=" + inExp).then().statusCode(200)
                .body("records." + inExp + ".experiment", equalTo("Default"));
    }

    @Test
    void runRecordsRefuseBadQueriesNamingRuns() {
        given().get("/api/v1/run-records").then().statusCode(400).body("error", containsString("runs"));
        given().get("/api/v1/run-records?runs=Not_An_Id").then().statusCode(400)
                .body("error", containsString("'Not_An_Id' is no run id"));
        // 1,001 distinct two-letter ids (short enough for the request line)
        String abc = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i <= UiResource.MAX_RECORDS; i++) {
            ids.append(i == 0 ? "" : ",").append(abc.charAt(i / 36)).append(abc.charAt(i % 36));
        }
        given().urlEncodingEnabled(false).get("/api/v1/run-records?runs=" + ids).then().statusCode(400)
                .body("error", containsString("at most 1000 run ids"));
    }

    @Test
    void aGraphIsAnsweredWithTheHashOfItsPipelineAsETag() {
        String run = given().contentType("application/json")
                .body("{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(TestSupport.ECHO) + "},\"parameters\":{\"text\":\"etag\"}}")
                .post("/api/v1/runs").then().statusCode(201).extract().path("runId");
        String first = given().get("/api/v1/runs/" + run + "/graph").then().statusCode(200).body("nodes.size()", equalTo(1))
                .extract().header("ETag");
        assertNotNull(first);
        given().get("/api/v1/runs/" + run + "/graph").then().statusCode(200).header("ETag", equalTo(first))
                .body("nodes[0].kind", equalTo("task"));
    }

    @Test
    void anUploadIsStoredUnderUploadsAndAnsweredWithItsUri() {
        byte[] data = "a,b\n1,2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var r = given().multiPart("file", "my data (1).csv", data, "text/csv").post("/api/v1/uploads")
                .then().statusCode(201).extract().jsonPath();
        String key = r.getString("key");
        assertTrue(key.matches("uploads/\\d{4}-\\d\\d-\\d\\d/[0-9a-f]{16}/my_data__1_\\.csv"), key);
        assertEquals(backend.store().uri(key), r.getString("uri"));
        assertEquals(8, r.getInt("size"));
        assertArrayEquals(data, backend.store().get(key).orElseThrow());
        // two uploads of one name are two objects
        String again = given().multiPart("file", "my data (1).csv", data, "text/csv").post("/api/v1/uploads")
                .then().statusCode(201).extract().path("key");
        assertNotEquals(key, again);
        given().multiPart("other", "x.csv", data, "text/csv").post("/api/v1/uploads").then().statusCode(400)
                .body("field", equalTo("file")).body("error", containsString("multipart part 'file'"));
        given().multiPart("file", "x.csv", data, "text/csv").multiPart("file", "y.csv", data, "text/csv")
                .post("/api/v1/uploads").then().statusCode(400).body("error", containsString("one file per request"));
    }

    @Test
    void uploadedFileNamesBecomePlainObjectNames() {
        assertEquals("passwd", DatasetUploads.safeName("../../etc/passwd"));
        assertEquals("x.csv", DatasetUploads.safeName("C:\\data\\x.csv"));
        assertEquals("hidden", DatasetUploads.safeName("..hidden"));
        assertEquals("upload", DatasetUploads.safeName(""));
        assertEquals("upload", DatasetUploads.safeName(null));
        assertEquals("a_b_.csv", DatasetUploads.safeName("a b?.csv"));
        assertEquals(120, DatasetUploads.safeName("x".repeat(300) + ".csv").length());
    }
}
