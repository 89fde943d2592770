package dev.relay.eventing.s3;

import dev.relay.eventing.input.SafeJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.eventing.EventFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads bucket notifications into {@link S3Record}s.
 *
 * <p>Accepted shapes:
 * <ul>
 *   <li>MinIO's webhook/Kafka message, {@code Log{EventName, Key, Records}}
 *       ({@code internal/event/event.go}); older MinIO wrote {@code EventType} instead of
 *       {@code EventName}. {@code "Records": null} (a Go nil slice) is read as no records.</li>
 *   <li>AWS's {@code {"Records":[...]}} (S3 "event message structure", also what Lambda gets).</li>
 *   <li>AWS's {@code s3:TestEvent} ({@code {"Service","Event","Time","Bucket",...}}, no
 *       {@code Records}): read as no records, not an error.</li>
 * </ul>
 * Anything else (e.g. Argo Events' {@code {"notification":[...],"metadata":...}}, a JSON array,
 * non-JSON) throws {@link EventFormatException}.
 */
public final class S3Notifications {

    static final ObjectMapper MAPPER = SafeJson.mapper();

    /**
     * One record with its own JSON: the CloudEvent data of the S3 adapter.
     *
     * @param record the parsed record
     * @param json {@code Records[i]} serialized compactly (UTF-8)
     */
    public record Entry(S3Record record, byte[] json) {
    }

    private S3Notifications() {
    }

    /**
     * Parses a notification payload.
     *
     * @param json the payload bytes (UTF-8 JSON)
     * @return the records in payload order; empty for a test event or an envelope without records
     * @throws EventFormatException {@code not JSON: ...}, {@code unsupported envelope: ...}, or
     *     {@code Records[i]: ...} naming a missing/ill-typed field
     */
    public static List<S3Record> parse(byte[] json) {
        List<Entry> entries = parseEntries(json);
        List<S3Record> records = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            records.add(e.record());
        }
        return records;
    }

    /**
     * Like {@link #parse(byte[])}, also giving each record's JSON ({@code Records[i]}
     * re-serialized compactly), for {@link S3CloudEvents#toCloudEvent(S3Record, byte[])}.
     *
     * @throws EventFormatException as {@link #parse(byte[])}
     */
    public static List<Entry> parseEntries(byte[] json) {
        JsonNode root = readTree(json);
        if (!root.isObject()) {
            throw new EventFormatException("unsupported envelope: expected a JSON object with Records, got "
                    + root.getNodeType().name().toLowerCase() + ": " + preview(json));
        }
        JsonNode records = root.get("Records");
        if (records == null) {
            if (isTestEvent(root) || isMinioLog(root)) {
                return List.of();
            }
            throw new EventFormatException("unsupported envelope: no Records; top-level fields "
                    + fieldNames(root) + ": " + preview(json));
        }
        if (records.isNull()) {
            return List.of();
        }
        if (!records.isArray()) {
            throw new EventFormatException("unsupported envelope: Records is "
                    + records.getNodeType().name().toLowerCase() + ", not an array: " + preview(json));
        }
        String envelopeName = text(root, "EventName");
        if (envelopeName == null) {
            envelopeName = text(root, "EventType");
        }
        List<Entry> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            JsonNode rec = records.get(i);
            S3Record record = toRecord(rec, envelopeName, "Records[" + i + "]");
            out.add(new Entry(record, toBytes(rec)));
        }
        return out;
    }

    /**
     * Reads one record ({@code Records[i]} object) as {@link S3Record}.
     *
     * @param recordJson the record's JSON object
     * @throws EventFormatException when it is not JSON, not an object, or lacks
     *     {@code eventName}, {@code s3.bucket.name} or {@code s3.object.key}
     */
    public static S3Record parseRecord(byte[] recordJson) {
        return toRecord(readTree(recordJson), null, "record");
    }

    static JsonNode readTree(byte[] json) {
        if (json == null) {
            throw new EventFormatException("not JSON: no payload");
        }
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || root.isMissingNode()) {
                throw new EventFormatException("not JSON: empty payload");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new EventFormatException("not JSON: " + dev.relay.eventing.input.SafeJson.describe(e) + ": " + preview(json), e);
        } catch (IOException e) {
            throw new EventFormatException("not JSON: " + dev.relay.eventing.input.ErrorText.of(e), e);
        }
    }

    static byte[] toBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static S3Record toRecord(JsonNode rec, String fallbackEventName, String where) {
        if (rec == null || !rec.isObject()) {
            throw new EventFormatException(where + ": not a JSON object");
        }
        String eventName = text(rec, "eventName");
        if (eventName == null) {
            eventName = fallbackEventName;
        }
        if (eventName == null) {
            throw new EventFormatException(where + ": missing eventName");
        }
        JsonNode s3 = rec.path("s3");
        String bucket = text(s3.path("bucket"), "name");
        if (bucket == null) {
            throw new EventFormatException(where + ": missing s3.bucket.name");
        }
        JsonNode object = s3.path("object");
        String rawKey = text(object, "key");
        if (rawKey == null) {
            throw new EventFormatException(where + ": missing s3.object.key");
        }
        Long size = null;
        JsonNode sizeNode = object.get("size");
        if (sizeNode != null && !sizeNode.isNull()) {
            if (!sizeNode.canConvertToLong()) {
                throw new EventFormatException(where + ": s3.object.size is not an integer: " + sizeNode);
            }
            size = sizeNode.asLong();
        }
        JsonNode response = rec.path("responseElements");
        Map<String, String> userMetadata = new LinkedHashMap<>();
        JsonNode um = object.get("userMetadata");
        if (um != null && um.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = um.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                userMetadata.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
            }
        }
        return new S3Record(
                eventName,
                bucket,
                S3Keys.formDecode(rawKey),
                size,
                unquote(text(object, "eTag")),
                text(object, "versionId"),
                text(object, "sequencer"),
                time(text(rec, "eventTime"), where),
                text(rec, "awsRegion"),
                text(rec, "eventSource"),
                text(response, "x-amz-request-id"),
                text(response, "x-amz-id-2"),
                text(object, "contentType"),
                userMetadata);
    }

    private static Instant time(String value, String where) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new EventFormatException(where + ": eventTime is not RFC 3339: " + value, e);
        }
    }

    private static boolean isTestEvent(JsonNode root) {
        return root.has("Event") && root.path("Event").asText().endsWith("TestEvent");
    }

    private static boolean isMinioLog(JsonNode root) {
        return (root.has("EventName") || root.has("EventType")) && root.has("Key");
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        return v.asText();
    }

    private static String unquote(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String preview(byte[] json) {
        String s = new String(json, 0, Math.min(json.length, 120), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").strip();
        return json.length > 120 ? s + "…" : s;
    }
}
