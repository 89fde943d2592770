package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a seeded fuzz test of the running functions app's event doors, {@code POST /}
 * (CloudEvents, structured and binary mode), each function's own path ({@code /artifact},
 * {@code /run-start}, {@code /job-status}) and {@code POST /minio/webhook} (MinIO notifications):
 * byte-level and structural mutations of valid events must each get an answer within
 * {@link #CASE_TIMEOUT} that is not a 5xx (except the documented {@code 503 input not readable},
 * which asks the Broker to redeliver) and carries no stack trace and no Java exception or class
 * name. Bounded: {@link #CASES} cases per door and mode, seed {@link #SEED}; a failure names the
 * case so it reproduces.
 */
@QuarkusTest
class EventFuzzTest {
    static final long SEED = 20261202L;
    static final int CASES = 150;
    static final Duration CASE_TIMEOUT = Duration.ofSeconds(20);
    /** What an answer must never show: stack frames, exception or Java class names, Jackson's source excerpts. */
    static final Pattern LEAK = Pattern.compile("[A-Z][A-Za-z]*(Exception|Error)\\b|\\tat |\\bat [a-z]+\\.[a-z]+\\.[a-z]"
            + "|java\\.(lang|util|io|nio)\\.|com\\.fasterxml|io\\.cloudevents\\.[a-z]|io\\.vertx|dev\\.relay\\.[a-z.]+\\.[A-Z]"
            + "|\\[Source:|REDACTED");
    private static final String[] TOKENS = {"", "{", "}", "[", "]", ":", ",", "\"", "\\", "\\u0000", "\u0000", "\uFFFF", "\uD800",
        "null", "-1", "1e400", "99999999999999999999999", "true", "NaN", "%", "%ZZ", "%00", "s3:", "com.amazonaws.s3.", "runs/",
        "../", "x".repeat(3000), "[".repeat(3000), "{\"a\":".repeat(2000), "\r\n", "é", "😀"};
    private static final String[] CONTENT_TYPES = {"application/json", "Application/JSON", "text/plain", "application/xml",
        "application/cloudevents+json", "application/cloudevents-batch+json", "application/json; charset=utf-8",
        "application/json; charset=latin-9", "text/json", "application/x-www-form-urlencoded", "*/*", "", ";;;", "application/"};
    private static final String[] TYPES = {"com.example.model.drift", "com.amazonaws.s3.ObjectCreated:Put",
        "com.amazonaws.s3.ObjectRemoved:Delete", "dev.knative.kafka.event", "dev.relay.run.requested",
        "dev.knative.apiserver.resource.update", "dev.knative.apiserver.ref.add", "dev.knative.sources.ping",
        "dev.relay.run.finished", TriggersDirResource.OWNER_TYPE, "", "x"};

    @TestHTTPResource("/") URI root;
    @TestHTTPResource("/minio/webhook") URI webhook;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = new ArrayList<>();
    private int cases;

    /** The seeds: a drift event, a run request for an unregistered pipeline, an object event outside Relay's prefixes. */
    static List<ObjectNode> seeds() throws Exception {
        List<ObjectNode> out = new ArrayList<>();
        out.add((ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(TestSupport.repo().resolve("examples/triggers/events/drift.json"))));
        ObjectNode run = (ObjectNode) Json.MAPPER.readTree("""
                {"specversion": "1.0", "id": "fuzz-run", "source": "/fuzz", "type": "dev.relay.run.requested",
                 "datacontenttype": "application/json",
                 "data": {"pipeline": {"name": "fuzz-not-registered", "version": "latest"}, "parameters": {"count": "1", "f": {"uri": "s3://mlpipeline/x"}}}}""");
        out.add(run);
        ObjectNode s3 = (ObjectNode) Json.MAPPER.readTree("""
                {"specversion": "1.0", "id": "fuzz-s3", "source": "minio:s3..mlpipeline", "type": "com.amazonaws.s3.ObjectCreated:Put",
                 "subject": "fuzz/a.csv", "datacontenttype": "application/json"}""");
        s3.set("data", webhookSeed().path("Records").get(0));
        out.add(s3);
        ObjectNode job = (ObjectNode) Json.MAPPER.readTree("""
                {"specversion": "1.0", "id": "fuzz-job", "source": "https://10.96.0.1:443", "type": "dev.knative.apiserver.resource.update",
                 "datacontenttype": "application/json",
                 "data": {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "r-fuzz-x-a1"}, "status": {"failed": 1}}}""");
        out.add(job);
        return out;
    }

    /** A MinIO notification of an object no trigger watches (so fuzzing starts no runs). */
    static ObjectNode webhookSeed() throws Exception {
        String text = Files.readString(TestSupport.repo().resolve("examples/triggers/events/upload.json"))
                .replace("datasets/iris v2+final.csv", "fuzz/iris.txt").replace("datasets%2Firis+v2%2Bfinal.csv", "fuzz%2Firis.txt");
        return (ObjectNode) Json.MAPPER.readTree(text);
    }

    @Test
    void mutatedCloudEventsAndWebhookBodiesGetPlainAnswersWithoutServerErrors() throws Exception {
        Random random = new Random(SEED);
        List<ObjectNode> seeds = seeds();
        for (int i = 0; i < CASES; i++) {
            ObjectNode seed = seeds.get(i % seeds.size()).deepCopy();
            // structured mode
            String body = mutate(random, structural(random, seed, true).toString());
            send("structured #" + i, root, Map.of("Content-Type", pick(random, "application/cloudevents+json",
                    "Application/CloudEvents+JSON; charset=UTF-8", "application/cloudevents+json", pick(random, CONTENT_TYPES))), body);
            // binary mode: the attributes as ce- headers, the data as the body
            ObjectNode event = seeds.get((i + 1) % seeds.size()).deepCopy();
            Map<String, String> headers = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("data") && !e.getKey().equals("datacontenttype")) {
                    headers.put("ce-" + e.getKey(), e.getValue().asText());
                }
            }
            headers.put("Content-Type", event.path("datacontenttype").asText("application/json"));
            mutateHeaders(random, headers);
            String data = mutate(random, structural(random, (JsonNode) event.path("data"), false).toString());
            send("binary #" + i, root, headers, data);
            // the same at a function's own path (Funqy's binding)
            send("function path #" + i, root.resolve(pick(random, "/artifact", "/run-start", "/job-status")), headers, data);
            // the MinIO webhook
            String notification = mutate(random, structural(random, webhookSeed(), false).toString());
            send("webhook #" + i, webhook, Map.of("Content-Type", pick(random, "application/json", pick(random, CONTENT_TYPES))),
                    notification);
        }
        assertTrue(cases >= 4 * CASES, "cases sent: " + cases);
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " cases failed (seed " + SEED + "):\n"
                + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }

    private void send(String name, URI uri, Map<String, String> headers, String body) {
        cases++;
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(CASE_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
        headers.forEach((k, v) -> {
            try {
                b.header(k, v);
            } catch (IllegalArgumentException e) {
                // a header value the client cannot send (a control character): leave it out
            }
        });
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            failures.add(name + ": no answer within " + CASE_TIMEOUT + "; headers " + headers + " body " + abbreviate(body));
            return;
        } catch (Exception e) {
            failures.add(name + ": request failed (" + e + "); headers " + headers + " body " + abbreviate(body));
            return;
        }
        boolean redeliver = r.statusCode() == 503 && r.body().contains("input not readable: s3://");
        if (r.statusCode() >= 500 && !redeliver) {
            failures.add(name + ": " + r.statusCode() + " " + abbreviate(r.body()) + "; headers " + headers + " body " + abbreviate(body));
        } else if (LEAK.matcher(r.body()).find()) {
            failures.add(name + ": internals in the answer " + r.statusCode() + " " + abbreviate(r.body()) + "; body " + abbreviate(body));
        } else if (r.statusCode() >= 400 && !r.body().startsWith("{\"error\":")) {
            failures.add(name + ": " + r.statusCode() + " is not a JSON error: " + abbreviate(r.body()));
        }
    }

    /** Replaces, inserts, deletes or duplicates a span of the text, or truncates it (or leaves it, now and then). */
    static String mutate(Random r, String text) {
        int n = r.nextInt(6);
        int a = text.isEmpty() ? 0 : r.nextInt(text.length());
        int b = Math.min(text.length(), a + r.nextInt(12));
        return switch (n) {
            case 0 -> text.substring(0, a) + pick(r, TOKENS) + text.substring(b);
            case 1 -> text.substring(0, a) + pick(r, TOKENS) + text.substring(a);
            case 2 -> text.substring(0, a) + text.substring(b);
            case 3 -> text.substring(0, b) + text.substring(a, b) + text.substring(a);
            case 4 -> text.substring(0, a);
            default -> text;
        };
    }

    /** Replaces one node of the tree (a field or an element) with another kind of value. */
    static JsonNode structural(Random r, JsonNode tree, boolean keepShape) {
        if (tree == null || tree.isMissingNode()) {
            return JsonNodeFactory.instance.nullNode();
        }
        JsonNode copy = tree.deepCopy();
        if (keepShape && r.nextInt(3) == 0) {
            return copy;
        }
        List<JsonNode> containers = new ArrayList<>();
        collect(copy, containers);
        if (containers.isEmpty()) {
            return randomValue(r);
        }
        JsonNode c = containers.get(r.nextInt(containers.size()));
        if (c instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(r.nextInt(names.size()));
            if (r.nextInt(5) == 0) {
                o.remove(name);
            } else {
                o.set(name, randomValue(r));
            }
        } else if (c instanceof ArrayNode a && a.size() > 0) {
            a.set(r.nextInt(a.size()), randomValue(r));
        }
        return copy;
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.forEach(child -> collect(child, out));
        }
    }

    static JsonNode randomValue(Random r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (r.nextInt(9)) {
            case 0 -> f.nullNode();
            case 1 -> f.numberNode(r.nextLong());
            case 2 -> f.numberNode(r.nextDouble() * 1e300);
            case 3 -> f.booleanNode(r.nextBoolean());
            case 4 -> f.textNode(pick(r, TOKENS));
            case 5 -> f.textNode(pick(r, TYPES));
            case 6 -> f.objectNode().put("uri", "s3://mlpipeline/" + pick(r, TOKENS));
            case 7 -> {
                ArrayNode a = f.arrayNode();
                for (int i = 0; i < r.nextInt(4); i++) {
                    a.add(pick(r, TOKENS));
                }
                yield a;
            }
            default -> {
                ObjectNode deep = f.objectNode();
                ObjectNode at = deep;
                for (int i = 0; i < 1 + r.nextInt(3000); i++) {
                    at = at.putObject("a");
                }
                yield deep;
            }
        };
    }

    /** Drops, empties or changes one CloudEvents header, or the content type. */
    static void mutateHeaders(Random r, Map<String, String> headers) {
        List<String> names = new ArrayList<>(headers.keySet());
        String name = names.get(r.nextInt(names.size()));
        switch (r.nextInt(6)) {
            case 0 -> headers.remove(name);
            case 1 -> headers.put(name, "");
            case 2 -> headers.put(name, mutate(r, headers.get(name)));
            case 3 -> headers.put("Content-Type", pick(r, CONTENT_TYPES));
            case 4 -> headers.put("ce-type", pick(r, TYPES));
            default -> { }
        }
    }

    @SafeVarargs
    static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }
}
