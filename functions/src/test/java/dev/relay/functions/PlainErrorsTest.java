package dev.relay.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.RunLayout;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, failure 7: {@code GET /api/v1/runs/{id}} of a run with a broken {@code run.json}
 * answers a plain error naming the object (500: the run exists, the store's document is bad; the
 * caller did nothing wrong), and no answer carries a Java exception class name or a parser's
 * internals.
 */
@QuarkusTest
class PlainErrorsTest {
    @Inject Backend backend;

    static void plain(String body) {
        assertTrue(body.startsWith("{\"error\":"), body);
        assertFalse(body.matches("(?s).*(Exception|\\bat [a-z]+\\.[a-z]+|com\\.fasterxml|java\\.(lang|util|io)|\\[Source:|REDACTED).*"),
                body);
    }

    private final java.util.List<String> written = new java.util.ArrayList<>();

    String broken(String content) {
        String id = "r-broken-" + UUID.randomUUID().toString().substring(0, 8);
        backend.store().put(RunLayout.runJson(id), content.getBytes(StandardCharsets.UTF_8));
        written.add(RunLayout.runJson(id));
        return id;
    }

    /** The broken runs go again: the test state dir is shared with every other test of the app. */
    @org.junit.jupiter.api.AfterEach
    void removeBrokenRuns() {
        written.forEach(k -> backend.store().delete(k));
        written.clear();
    }

    @Test
    void aRunWhoseRunJsonIsNotJsonIsAPlainErrorNamingTheObject() {
        String id = broken("{\"runId\": \"x\", oops");
        Response r = given().get("/api/v1/runs/" + id);
        assertEquals(500, r.statusCode(), r.asString());
        plain(r.asString());
        String error = r.jsonPath().getString("error");
        assertTrue(error.startsWith("run " + id + " exists but cannot be read: runs/" + id + "/run.json: "), error);
        assertTrue(error.contains("line 1, column"), error);
        assertEquals(RunLayout.runJson(id), r.jsonPath().getString("field"));
        // the UI's graph of it too
        Response g = given().get("/api/v1/runs/" + id + "/graph");
        assertEquals(500, g.statusCode(), g.asString());
        plain(g.asString());
    }

    @Test
    void aRunJsonOfTheWrongShapeNamesTheField() {
        String id = broken("{\"runId\": \"x\", \"parameters\": {\"count\": [1, 2]}}");
        Response r = given().get("/api/v1/runs/" + id);
        assertEquals(500, r.statusCode(), r.asString());
        plain(r.asString());
        assertTrue(r.jsonPath().getString("error").contains("field parameters.count: expected a string"), r.asString());
    }

    @Test
    void aRunJsonWithAnInvalidPipelineIsAPlainError() {
        String id = broken("{\"runId\": \"x\", \"spec\": {\"name\": 5, \"implementation\": {\"graph\": {\"tasks\": 7}}}, \"parameters\": {}}");
        Response r = given().get("/api/v1/runs/" + id);
        assertEquals(500, r.statusCode(), r.asString());
        plain(r.asString());
        assertTrue(r.jsonPath().getString("error").contains("runs/" + id + "/run.json"), r.asString());
    }

    @Test
    void bodiesThatAreNotJsonGetPlainMessages() {
        for (String path : new String[] {"/api/v1/runs", "/apis/v2beta1/runs", "/apis/v2beta1/experiments"}) {
            for (String body : new String[] {"{broken", "[1, 2", "{\"a\": tru}", "\u0000\u0001"}) {
                Response r = given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8)).post(path);
                assertTrue(r.statusCode() == 400 || r.statusCode() == 422, path + " " + body + ": " + r.asString());
                assertFalse(r.asString().matches("(?s).*(Exception|com\\.fasterxml|java\\.(lang|util|io)|\\[Source:|REDACTED).*"),
                        path + ": " + r.asString());
            }
        }
        Response typed = given().contentType("application/json").body("{\"pipeline\": {\"name\": [1]}}").post("/api/v1/runs");
        assertEquals(422, typed.statusCode(), typed.asString());
        plain(typed.asString());
    }

    /** Issue 13, failure 3: the alias bomb posted inline held ~6 GB for 75 s and got a misleading 422. */
    @Test
    void theAliasBombPostedInlineIsRefusedByTheAliasLimit() {
        StringBuilder b = new StringBuilder("name: bomb\ninputs:\n- name: a\n  default:\n    l0: &a0 [x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++) {
            b.append("    l").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(8, "*a" + (i - 1)))).append("]\n");
        }
        b.append("implementation:\n  container: {image: alpine, command: [echo]}\n");
        Response r = given().contentType("application/json").body(RunApiTest.inline(b.toString(), "{}")).post("/api/v1/runs");
        assertEquals(422, r.statusCode(), r.asString());
        plain(r.asString());
        assertEquals("pipeline.inline", r.jsonPath().getString("field"), r.asString());
        assertTrue(r.jsonPath().getString("error").contains("YAML aliases expand the document by more than Relay's limit of 100000 nodes"),
                r.asString());
    }
}
