package dev.relay.eventing.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MinioRecordsTest {

    static final String NAME = "pipelines/in put/Q1+Q2 résumé & 数据 (final).csv";
    static final String ESCAPED = "pipelines%2Fin+put%2FQ1%2BQ2+r%C3%A9sum%C3%A9+%26+%E6%95%B0%E6%8D%AE+%28final%29.csv";
    static final ObjectMapper MAPPER = new ObjectMapper();

    static byte[] sample() {
        return MinioRecords.envelope("s3:ObjectCreated:Put", "mlpipeline", NAME, 48213,
                "5d41402abc4b2a76b9719d911017c592", "text/csv", "17CF1E0B3A4C9D21",
                Instant.parse("2024-05-14T09:21:07.412Z"));
    }

    @Test
    void exactBytes() {
        String expected = "{\"EventName\":\"s3:ObjectCreated:Put\","
                + "\"Key\":\"mlpipeline/pipelines/in put/Q1+Q2 résumé \\u0026 数据 (final).csv\","
                + "\"Records\":[{\"eventVersion\":\"2.0\",\"eventSource\":\"minio:s3\",\"awsRegion\":\"\","
                + "\"eventTime\":\"2024-05-14T09:21:07.412Z\",\"eventName\":\"s3:ObjectCreated:Put\","
                + "\"userIdentity\":{\"principalId\":\"minio\"},"
                + "\"requestParameters\":{\"principalId\":\"minio\",\"region\":\"\",\"sourceIPAddress\":\"127.0.0.1\"},"
                + "\"responseElements\":{\"x-amz-request-id\":\"17CF1E0B3A4C9D21\","
                + "\"x-minio-deployment-id\":\"00000000-0000-0000-0000-000000000000\","
                + "\"x-minio-origin-endpoint\":\"http://127.0.0.1:9000\"},"
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":\"Config\","
                + "\"bucket\":{\"name\":\"mlpipeline\",\"ownerIdentity\":{\"principalId\":\"minio\"},\"arn\":\"arn:aws:s3:::mlpipeline\"},"
                + "\"object\":{\"key\":\"" + ESCAPED + "\",\"size\":48213,\"eTag\":\"5d41402abc4b2a76b9719d911017c592\","
                + "\"contentType\":\"text/csv\",\"userMetadata\":{\"content-type\":\"text/csv\"},\"sequencer\":\"17CF1E0B3A4C9D21\"}},"
                + "\"source\":{\"host\":\"127.0.0.1\",\"port\":\"\",\"userAgent\":\"relay\"}}]}";
        assertEquals(expected, new String(sample(), StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsThroughTheParser() {
        S3Record r = S3Notifications.parse(sample()).get(0);
        assertEquals("mlpipeline", r.bucket());
        assertEquals(NAME, r.key());
        assertEquals(48213L, r.size());
        assertEquals("5d41402abc4b2a76b9719d911017c592", r.eTag());
        assertEquals("text/csv", r.contentType());
        assertEquals("17CF1E0B3A4C9D21", r.sequencer());
        assertEquals(Instant.parse("2024-05-14T09:21:07.412Z"), r.eventTime());
        assertEquals("17CF1E0B3A4C9D21.17CF1E0B3A4C9D21",
                S3CloudEvents.toCloudEvents(sample()).get(0).getId(), "no x-amz-id-2: request id + sequencer");
    }

    @Test
    void originFillsIdentityAndResponseElements() throws IOException {
        MinioRecords.Origin origin = new MinioRecords.Origin("AKIA", "10.0.0.9", "curl", "http://s3:9000",
                "dep", "node-hash", "REQ1");
        byte[] json = MinioRecords.envelope("s3:ObjectCreated:CompleteMultipartUpload", "b", "k", 1, "e-2",
                null, "SEQ", Instant.EPOCH, origin);
        JsonNode rec = MAPPER.readTree(json).get("Records").get(0);
        assertEquals("AKIA", rec.at("/userIdentity/principalId").asText());
        assertEquals("REQ1", rec.at("/responseElements/x-amz-request-id").asText());
        assertEquals("node-hash", rec.at("/responseElements/x-amz-id-2").asText());
        assertEquals("http://s3:9000", rec.at("/responseElements/x-minio-origin-endpoint").asText());
        assertEquals("1970-01-01T00:00:00.000Z", rec.get("eventTime").asText());
        assertFalse(rec.at("/s3/object").has("contentType"));
        assertFalse(rec.at("/s3/object").has("userMetadata"));
        assertEquals("REQ1.node-hash", S3CloudEvents.toCloudEvents(json).get(0).getId());
    }

    @Test
    void omitEmptyLikeGo() throws IOException {
        byte[] empty = MinioRecords.envelope("s3:ObjectCreated:Put", "b", "empty", 0, "d41d8cd98f00b204e9800998ecf8427e",
                "", "SEQ", Instant.EPOCH);
        JsonNode object = MAPPER.readTree(empty).at("/Records/0/s3/object");
        assertFalse(object.has("size"), "MinIO omits a size of 0");
        assertNull(S3Notifications.parse(empty).get(0).size());
        byte[] delete = MinioRecords.envelope("s3:ObjectRemoved:Delete", "b", "gone", 5, "x", "text/plain", "SEQ", Instant.EPOCH);
        JsonNode deleted = MAPPER.readTree(delete).at("/Records/0/s3/object");
        assertEquals(List.of("key", "sequencer"), fieldNames(deleted));
    }

    @Test
    void goHtmlEscapingAndControlCharacters() {
        byte[] json = MinioRecords.envelope("s3:ObjectCreated:Put", "b", "<a>\"\\\n\u2028", 1, "e", null, "S", Instant.EPOCH);
        String s = new String(json, StandardCharsets.UTF_8);
        assertTrue(s.contains("\"Key\":\"b/\\u003ca\\u003e\\\"\\\\\\n\\u2028\""), s);
        assertEquals("<a>\"\\\n\u2028", S3Notifications.parse(json).get(0).key());
    }

    @Test
    void sequencerIsUppercaseHexNanos() {
        assertEquals("17CF1E0B3A4C9D21", MinioRecords.sequencer(0x17CF1E0B3A4C9D21L));
    }

    /** Field names and their order, recursively, except inside maps (Go sorts map keys). */
    static List<String> shape(JsonNode node, String path) {
        List<String> out = new ArrayList<>();
        if (node.isObject() && !path.endsWith("requestParameters") && !path.endsWith("responseElements")
                && !path.endsWith("userMetadata")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                out.add(path + "/" + f.getKey());
                out.addAll(shape(f.getValue(), path + "/" + f.getKey()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.addAll(shape(node.get(i), path + "/" + i));
            }
        }
        return out;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void sameShapeAndEscapedKeyAsTheSharedMinioCase() throws IOException {
        JsonNode reference = MAPPER.readTree(SharedCases.payload("minio_webhook_put_key_space_unicode_plus_ampersand.derived.json"));
        JsonNode ours = MAPPER.readTree(sample());
        assertEquals(shape(reference, ""), shape(ours, ""));
        assertEquals(reference.at("/Records/0/s3/object/key").asText(), ours.at("/Records/0/s3/object/key").asText());
        assertEquals(reference.get("Key").asText(), ours.get("Key").asText());
        assertEquals(fieldNames(reference.at("/Records/0/requestParameters")), fieldNames(ours.at("/Records/0/requestParameters")));
    }

    @Test
    void topLevelKeyIsGoEscapedLikeTheSharedCase() throws IOException {
        String reference = new String(SharedCases.payload("minio_webhook_put_key_space_unicode_plus_ampersand.derived.json"),
                StandardCharsets.UTF_8);
        assertTrue(reference.contains("\"Key\":\"mlpipeline/pipelines/in put/Q1+Q2 résumé \\u0026 数据 (final).csv\""));
        assertTrue(new String(sample(), StandardCharsets.UTF_8)
                .contains("\"Key\":\"mlpipeline/pipelines/in put/Q1+Q2 résumé \\u0026 数据 (final).csv\""));
    }
}
