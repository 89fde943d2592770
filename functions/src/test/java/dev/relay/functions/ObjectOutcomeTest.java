package dev.relay.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relay.functions.app.Backend;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/objects/outcome}: what the app did with an object version's notification,
 * which {@code relay upload} reports (here an upload no trigger matches: ignored, with why).
 */
@QuarkusTest
class ObjectOutcomeTest {
    @Inject Backend backend;

    @Test
    void theOutcomeOfAnUploadNamesWhyNoRunStarted() throws Exception {
        String key = "datasets/notes-" + UUID.randomUUID() + ".txt";
        backend.store().put(key, "not a csv".getBytes(StandardCharsets.UTF_8));
        String eTag = backend.store().stat(key).orElseThrow().eTag();
        Response r = null;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            r = given().queryParam("bucket", backend.store().bucket()).queryParam("key", key).queryParam("etag", eTag)
                    .get("/api/v1/objects/outcome");
            if (r.statusCode() != 404) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(200, r.statusCode(), r.asString());
        r.then().body("action", equalTo("ignored")).body("key", equalTo(key)).body("reason", containsString("no trigger matched"))
                .body("reason", containsString("new-dataset"));
        given().queryParam("bucket", backend.store().bucket()).queryParam("key", key).queryParam("etag", "0000")
                .get("/api/v1/objects/outcome").then().statusCode(404);
        given().queryParam("bucket", backend.store().bucket()).get("/api/v1/objects/outcome").then().statusCode(400)
                .body("error", containsString("key"));
    }
}
