package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.app.Backend;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, failure 7: the answers of {@code POST /} are exactly docs/events.md's, for every kind
 * of type (a trigger's, a function's, an object event): data that is not JSON is 400, a
 * datacontenttype that is not JSON 415, an empty id 400, and a media type is case-insensitive.
 * Every refused event started nothing.
 */
@QuarkusTest
class CloudEventAnswersTest {
    static final String DRIFT = "com.example.model.drift";
    static final String RUN = "dev.relay.run.requested";
    static final String S3 = "com.amazonaws.s3.ObjectCreated:Put";

    @TestHTTPResource("/") URI root;
    @Inject Backend backend;

    static Map<String, String> binary(String type, String id, String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ce-specversion", "1.0");
        h.put("ce-id", id);
        h.put("ce-type", type);
        h.put("ce-source", "/test/answers");
        h.put("ce-subject", "models/iris");
        if (contentType != null) {
            h.put("Content-Type", contentType);
        }
        return h;
    }

    TestSupport.Answer post(Map<String, String> headers, String body) {
        return TestSupport.postRaw(root, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    TestSupport.Answer structured(String contentType, String event) {
        return post(Map.of("Content-Type", contentType), event);
    }

    static String id() {
        return "ans-" + UUID.randomUUID();
    }

    int runs() {
        return backend.store().list("runs/", false).size();
    }

    /** The answer is a plain JSON error: no stack trace, no exception class name. */
    static void plain(TestSupport.Answer a) {
        assertTrue(a.body().startsWith("{\"error\":"), a.body());
        assertFalse(a.body().matches("(?s).*(Exception|\\bat [a-z]+\\.[a-z]+\\.|com\\.fasterxml|io\\.cloudevents).*"), a.body());
    }

    @Test
    void binaryModeWithTextPlainIs415ForEveryKindOfType() {
        int before = runs();
        for (String type : new String[] {DRIFT, RUN, S3, "dev.knative.sources.ping"}) {
            TestSupport.Answer a = post(binary(type, id(), "text/plain"), "{\"model\":\"iris\",\"score\":0.9}");
            assertEquals(415, a.status(), type + ": " + a.body());
            assertTrue(a.json().path("error").asText().contains("unsupported datacontenttype 'text/plain'"), a.body());
            plain(a);
        }
        assertEquals(before, runs(), "nothing started");
    }

    @Test
    void structuredModeWithATextDataContentTypeIs415() {
        String e = "{\"specversion\":\"1.0\",\"id\":\"" + id() + "\",\"source\":\"/t\",\"type\":\"" + DRIFT
                + "\",\"datacontenttype\":\"text/plain\",\"data\":\"score=0.9\"}";
        TestSupport.Answer a = structured("application/cloudevents+json", e);
        assertEquals(415, a.status(), a.body());
        plain(a);
    }

    @Test
    void binaryModeWithDataThatIsNotJsonIs400ForEveryKindOfType() {
        int before = runs();
        for (String type : new String[] {DRIFT, RUN, S3}) {
            for (String ct : new String[] {"application/json", null}) {
                TestSupport.Answer a = post(binary(type, id(), ct), "score=0.9, not json");
                assertEquals(400, a.status(), type + " " + ct + ": " + a.body());
                assertTrue(a.json().path("error").asText().contains("not JSON"), a.body());
                plain(a);
            }
        }
        assertEquals(before, runs(), "nothing started");
    }

    @Test
    void anEmptyIdSourceOrTypeIs400() {
        int before = runs();
        TestSupport.Answer a = post(binary(DRIFT, "", "application/json"), "{\"model\":\"iris\",\"score\":0.9}");
        assertEquals(400, a.status(), a.body());
        assertTrue(a.json().path("error").asText().contains("ce-id is empty"), a.body());
        plain(a);
        Map<String, String> noSource = binary(DRIFT, id(), "application/json");
        noSource.put("ce-source", "");
        TestSupport.Answer b = post(noSource, "{\"model\":\"iris\",\"score\":0.9}");
        assertEquals(400, b.status(), b.body());
        plain(b);
        TestSupport.Answer c = structured("application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"/t\",\"type\":\""
                + DRIFT + "\",\"datacontenttype\":\"application/json\",\"data\":{\"model\":\"iris\",\"score\":0.9}}");
        assertEquals(400, c.status(), c.body());
        assertTrue(c.json().path("error").asText().contains("\"id\" is empty"), c.body());
        plain(c);
        assertEquals(before, runs(), "nothing started");
    }

    @Test
    void mediaTypesAreCaseInsensitive() {
        String e = "{\"specversion\":\"1.0\",\"id\":\"" + id() + "\",\"source\":\"/t\",\"type\":\"" + DRIFT
                + "\",\"datacontenttype\":\"Application/JSON\",\"data\":{\"model\":\"iris\",\"score\":0.1}}";
        TestSupport.Answer a = structured("Application/CloudEvents+JSON; charset=UTF-8", e);
        assertEquals(202, a.status(), a.body()); // read as an event; the low score matches no trigger
        assertTrue(a.body().contains("no trigger matched"), a.body());
        TestSupport.Answer b = post(binary(DRIFT, id(), "APPLICATION/JSON; Charset=utf-8"), "{\"model\":\"iris\",\"score\":0.1}");
        assertEquals(202, b.status(), b.body());
        TestSupport.Answer batch = structured("Application/CloudEvents-Batch+JSON", "[" + e + "]");
        assertEquals(415, batch.status(), batch.body());
    }

    @Test
    void notACloudEventIs400() {
        TestSupport.Answer a = post(Map.of("Content-Type", "application/json"), "{\"model\":\"iris\"}");
        assertEquals(400, a.status(), a.body());
        assertTrue(a.json().path("error").asText().startsWith("not a CloudEvent"), a.body());
        TestSupport.Answer b = structured("application/cloudevents+json", "{\"id\":\"x\",\"source\":\"/t\",\"type\":\"" + DRIFT + "\"}");
        assertEquals(400, b.status(), b.body());
        plain(b);
        TestSupport.Answer c = structured("application/cloudevents+json", "{\"specversion\":\"1.0\", broken");
        assertEquals(400, c.status(), c.body());
        plain(c);
    }

    /**
     * A function's own path (Funqy's binding) answers a function's refusal with its status, data it
     * cannot read with 400/415 as POST / does, and a plain message (Funqy's failures reached
     * Quarkus's error page: 500 naming the exception class).
     */
    @Test
    void aFunctionsOwnPathAnswersPlainErrors() {
        int before = runs();
        TestSupport.Answer a = post(binary(RUN, id(), "application/json"), "{\"pipeline\": {}}");
        assertEquals(422, a.status(), a.body());
        assertEquals("pipeline.name", a.json().path("field").asText(), a.body());
        plain(a);
        TestSupport.Answer b = TestSupport.postRaw(root.resolve("/run-start"), binary(RUN, id(), "application/json"),
                "{\"pipeline\": {}}".getBytes(StandardCharsets.UTF_8));
        assertEquals(422, b.status(), b.body());
        plain(b);
        TestSupport.Answer c = TestSupport.postRaw(root.resolve("/job-status"), binary("dev.knative.apiserver.resource.update", id(),
                "application/json"), "{\"kind\": Job".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, c.status(), c.body());
        assertTrue(c.json().path("error").asText().contains("not JSON"), c.body());
        plain(c);
        TestSupport.Answer d = TestSupport.postRaw(root.resolve("/artifact"), binary(S3, id(), "application/json"),
                "{broken".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, d.status(), d.body());
        plain(d);
        TestSupport.Answer e = TestSupport.postRaw(root.resolve("/run-start"), binary(RUN, id(), "text/plain"),
                "{\"pipeline\": {}}".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, e.status(), e.body());
        plain(e);
        assertEquals(before, runs(), "nothing started");
    }
}
