package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3CloudEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The expected answer for every file of {@code ../shared/cases/event_payloads/} (one row per
 * file): notifications go to {@code POST /minio/webhook} and, record by record as S3-adapter
 * CloudEvents, to {@code POST /} in both modes; CloudEvent files to {@code POST /} as they are.
 */
@QuarkusTest
class EventTableTest {
    @TestHTTPResource("/") URI root;
    @TestHTTPResource("/minio/webhook") URI webhook;

    /** How a file is delivered. */
    enum Via { WEBHOOK, STRUCTURED, HEADERS_AND_BODY, HTTP_REQUEST }

    /** One row: how it is sent, the status, text the answer must hold. */
    record Row(Via via, int status, String... contains) {}

    static final Map<String, Row> TABLE = new LinkedHashMap<>();

    static {
        TABLE.put("argo_events_minio_eventsource_data.derived.json", new Row(Via.WEBHOOK, 400, "unsupported envelope"));
        TABLE.put("aws_s3_complete_multipart_key_plus_encoding.derived.json", new Row(Via.WEBHOOK, 200,
                "\"action\":\"ignored\"", "bucket 'kfp-inputs' is not Relay's", "reports/Q1+Q2 summary (final) é.csv"));
        TABLE.put("aws_s3_delete_object.powertools.json", new Row(Via.WEBHOOK, 200, "\"action\":\"ignored\"", "is not Relay's"));
        TABLE.put("aws_s3_put_key_percent20_space.aws-lambda-go.json", new Row(Via.WEBHOOK, 200,
                "\"action\":\"ignored\"", "\"key\":\"Happy Face.jpg\""));
        TABLE.put("aws_s3_test_event_no_records.derived.json", new Row(Via.WEBHOOK, 200, "\"records\":[]"));
        TABLE.put("cloudevent_binary_data_base64_no_content_type.spec-example.headers-and-body.txt",
                new Row(Via.HEADERS_AND_BODY, 400, "unknown CloudEvent type 'com.example.someevent'"));
        TABLE.put("cloudevent_binary_json_object_data.spec-example.headers-and-body.txt",
                new Row(Via.HEADERS_AND_BODY, 400, "unknown CloudEvent type 'com.example.someevent'"));
        TABLE.put("cloudevent_binary_json_string_data.spec-example.headers-and-body.txt",
                new Row(Via.HEADERS_AND_BODY, 400, "unknown CloudEvent type 'com.example.someevent'"));
        TABLE.put("cloudevent_structured_data_base64_no_datacontenttype.spec-example.json",
                new Row(Via.STRUCTURED, 400, "unknown CloudEvent type 'com.example.someevent'"));
        TABLE.put("cloudevent_structured_json_object_data.spec-example.json",
                new Row(Via.STRUCTURED, 400, "unknown CloudEvent type 'com.example.someevent'"));
        TABLE.put("cloudevent_structured_json_string_data_no_datacontenttype.spec-example.json",
                new Row(Via.STRUCTURED, 400, "unknown CloudEvent type 'com.example.someevent'"));
        TABLE.put("cloudevents_v1_json_schema.spec.json", new Row(Via.STRUCTURED, 400, "not a valid CloudEvent (structured mode)"));
        TABLE.put("knative_apiserversource_job_complete_binary_mode.derived.http", new Row(Via.HTTP_REQUEST, 200,
                "\"function\":\"job-status\"", "dev.knative.apiserver.resource.update", "iris-pipeline-train-model-7f9c2"));
        TABLE.put("knative_apiserversource_job_ref_mode_structured.derived.json", new Row(Via.STRUCTURED, 200,
                "\"function\":\"job-status\"", "dev.knative.apiserver.ref.update"));
        TABLE.put("knative_kafkasource_minio_event_binary_mode.derived.http", new Row(Via.HTTP_REQUEST, 200,
                "\"function\":\"artifact\"", "dev.knative.kafka.event", "\"action\":\"ignored\"",
                "\"key\":\"v2/artifacts/iris-pipeline/8d0a1b2c/train-model/model\"", "outside runs/"));
        TABLE.put("minio_kafka_put_nested_prefix.derived.json", new Row(Via.WEBHOOK, 200, "\"action\":\"ignored\"", "outside runs/"));
        TABLE.put("minio_webhook_delete_object.derived.json", new Row(Via.WEBHOOK, 200, "\"action\":\"ignored\"", "outside runs/"));
        TABLE.put("minio_webhook_put_key_space_unicode_plus_ampersand.derived.json", new Row(Via.WEBHOOK, 200,
                "\"action\":\"ignored\"", "\"key\":\"pipelines/in put/Q1+Q2 résumé & 数据 (final).csv\"", "no action for this key"));
    }

    @Test
    void everySharedPayloadGetsItsExpectedAnswer() throws Exception {
        Path dir = TestSupport.shared().map(s -> s.resolve("cases/event_payloads")).filter(Files::isDirectory).orElse(null);
        Assumptions.assumeTrue(dir != null, "../shared/cases/event_payloads is absent: the shared payload table is skipped"
                + " (the project's own fixtures in EventCorrectnessTest cover every behaviour)");
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(new TreeSet<>(TABLE.keySet()), new TreeSet<>(files), "one row per shared payload file");
        // every new object under runs/ is indexed now; what this table checks is that no payload is a metrics/UI-metadata object
        java.util.function.Supplier<Long> metricsSeen = () -> RecordingIndexer.SEEN.stream()
                .filter(s -> s.endsWith("/mlpipeline-metrics.json") || s.endsWith("/mlpipeline-ui-metadata.json")).count();
        long before = metricsSeen.get();
        List<String> failures = new ArrayList<>();
        for (String file : files) {
            Row row = TABLE.get(file);
            byte[] bytes = Files.readAllBytes(dir.resolve(file));
            TestSupport.Answer a = deliver(row.via(), bytes);
            check(file, row, a, failures);
            if (row.via() == Via.WEBHOOK) {
                checkAsCloudEvents(file, row, bytes, failures);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(before, metricsSeen.get(), "no shared payload is an owned metrics object");
    }

    private void check(String what, Row row, TestSupport.Answer a, List<String> failures) {
        if (a.status() != row.status()) {
            failures.add(what + ": expected " + row.status() + ", got " + a.status() + ": " + a.body());
            return;
        }
        for (String c : row.contains()) {
            if (!a.body().contains(c)) {
                failures.add(what + ": answer lacks " + c + ": " + a.body());
            }
        }
        if (a.body().contains("\tat ") || a.body().contains("Exception:")) {
            failures.add(what + ": answer holds a stack trace: " + a.body());
        }
    }

    /** The same notification as S3-adapter CloudEvents (one per record), binary and structured. */
    private void checkAsCloudEvents(String file, Row row, byte[] bytes, List<String> failures) {
        if (row.status() != 200) {
            CloudEvent wrapped = CloudEventBuilder.v1().withId("x").withSource(URI.create("/test"))
                    .withType("com.amazonaws.s3.ObjectCreated:Put").withDataContentType("application/json").withData(bytes).build();
            for (boolean structured : new boolean[] {false, true}) {
                check(file + " as data of an object event (structured=" + structured + ")", row,
                        TestSupport.post(root, wrapped, structured, Map.of()), failures);
            }
            return;
        }
        for (CloudEvent e : S3CloudEvents.toCloudEvents(bytes)) {
            for (boolean structured : new boolean[] {false, true}) {
                TestSupport.Answer a = TestSupport.post(root, e, structured, Map.of());
                check(file + " as " + e.getType() + " (structured=" + structured + ")",
                        new Row(Via.STRUCTURED, 200, "\"function\":\"artifact\"", "\"action\":\"ignored\""), a, failures);
            }
        }
    }

    TestSupport.Answer deliver(Via via, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return switch (via) {
            case WEBHOOK -> TestSupport.postRaw(webhook, Map.of("Content-Type", "application/json"), bytes);
            case STRUCTURED -> TestSupport.postRaw(root, Map.of("Content-Type", "application/cloudevents+json"), bytes);
            case HEADERS_AND_BODY -> {
                int split = text.indexOf("\n\n");
                yield TestSupport.postRaw(root, headers(text.substring(0, split).lines().toList()),
                        text.substring(split + 2).getBytes(StandardCharsets.UTF_8));
            }
            case HTTP_REQUEST -> {
                int split = text.indexOf("\r\n\r\n");
                List<String> lines = text.substring(0, split).lines().toList();
                assertTrue(lines.get(0).startsWith("POST / HTTP/1.1"), lines.get(0));
                yield TestSupport.postRaw(root, headers(lines.subList(1, lines.size())),
                        text.substring(split + 4).getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    static Map<String, String> headers(List<String> lines) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String l : lines) {
            int c = l.indexOf(':');
            h.put(l.substring(0, c).trim(), l.substring(c + 1).trim());
        }
        assertFalse(h.isEmpty());
        return h;
    }
}
