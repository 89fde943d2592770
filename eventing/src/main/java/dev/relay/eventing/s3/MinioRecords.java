package dev.relay.eventing.s3;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes the JSON that MinIO's webhook and Kafka targets send for one object event: the
 * {@code Log{EventName, Key, Records}} shape of {@code internal/event/event.go}, with one record
 * built as {@code eventArgs.ToEvent} in {@code cmd/event-notification.go} builds it.
 *
 * <p>Byte-level fidelity with Go's {@code encoding/json}: compact, struct fields in declaration
 * order, map keys sorted, {@code omitempty} on {@code size}, {@code eTag}, {@code contentType},
 * {@code userMetadata}, {@code versionId}; {@code <}, {@code >}, {@code &}, U+2028 and U+2029
 * escaped as {@code \u003c}-style escapes; other non-ASCII written raw (UTF-8). The record's
 * {@code s3.object.key} is escaped like Go's {@code url.QueryEscape}; the top-level {@code Key}
 * is {@code bucket/} + the unescaped name. Event time is {@code 2006-01-02T15:04:05.000Z}
 * (UTC, milliseconds).
 */
public final class MinioRecords {

    /** MinIO's event time layout ({@code event.AMZTimeFormat}). */
    private static final DateTimeFormatter AMZ_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * What a MinIO record says about who made the request and which server answered.
     *
     * @param principalId the requester's access key ({@code userIdentity.principalId})
     * @param sourceIp {@code requestParameters.sourceIPAddress} and {@code source.host}
     * @param userAgent {@code source.userAgent}
     * @param originEndpoint {@code x-minio-origin-endpoint}, the server's URL
     * @param deploymentId {@code x-minio-deployment-id}
     * @param nodeId {@code x-amz-id-2} (MinIO: a hash naming the node), or null to leave it out
     * @param requestId {@code x-amz-request-id}, or null to use the sequencer
     */
    public record Origin(
            String principalId,
            String sourceIp,
            String userAgent,
            String originEndpoint,
            String deploymentId,
            String nodeId,
            String requestId) {

        /**
         * The defaults of the short {@link MinioRecords#envelope} overload: principal {@code minio}
         * (KFP's default access key), source {@code 127.0.0.1}, an embedded origin at
         * {@code http://127.0.0.1:9000}, a fixed deployment id, no {@code x-amz-id-2}, and the
         * request id taken from the sequencer.
         */
        public static Origin defaults() {
            return new Origin("minio", "127.0.0.1", "relay", "http://127.0.0.1:9000",
                    "00000000-0000-0000-0000-000000000000", null, null);
        }
    }

    private MinioRecords() {
    }

    /**
     * The notification MinIO would send for one object, with {@link Origin#defaults()}.
     *
     * @param eventName e.g. {@code s3:ObjectCreated:Put} (written as given)
     * @param bucket the bucket name
     * @param key the object name, unescaped
     * @param size bytes; 0 is omitted as MinIO does ({@code omitempty})
     * @param eTag without quotes; null or empty omits it
     * @param contentType null or empty omits it (and the {@code content-type} user metadata)
     * @param sequencer MinIO's unique id (uppercase hex of nanoseconds); also the request id
     * @param time the event time
     * @return UTF-8 JSON bytes of {@code {"EventName","Key","Records":[...]}}
     */
    public static byte[] envelope(String eventName, String bucket, String key, long size, String eTag,
            String contentType, String sequencer, Instant time) {
        return envelope(eventName, bucket, key, size, eTag, contentType, sequencer, time, Origin.defaults());
    }

    /**
     * As {@link #envelope(String, String, String, long, String, String, String, Instant)} with the
     * request's origin given: {@code userIdentity}, {@code requestParameters},
     * {@code responseElements} ({@code x-amz-request-id} = {@code origin.requestId()} or the
     * sequencer; {@code x-amz-id-2} only when {@code origin.nodeId()} is set) and {@code source}.
     */
    public static byte[] envelope(String eventName, String bucket, String key, long size, String eTag,
            String contentType, String sequencer, Instant time, Origin origin) {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sequencer, "sequencer");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(origin, "origin");

        Map<String, String> requestParameters = new TreeMap<>();
        requestParameters.put("principalId", nz(origin.principalId()));
        requestParameters.put("region", "");
        requestParameters.put("sourceIPAddress", nz(origin.sourceIp()));

        Map<String, String> responseElements = new TreeMap<>();
        responseElements.put("x-amz-request-id", origin.requestId() != null ? origin.requestId() : sequencer);
        if (origin.nodeId() != null) {
            responseElements.put("x-amz-id-2", origin.nodeId());
        }
        responseElements.put("x-minio-deployment-id", nz(origin.deploymentId()));
        responseElements.put("x-minio-origin-endpoint", nz(origin.originEndpoint()));

        boolean removed = eventName.contains("ObjectRemoved:");
        GoJson j = new GoJson();
        j.begin().field("EventName").string(eventName)
                .field("Key").string(bucket + "/" + key)
                .field("Records").raw("[");
        j.begin()
                .field("eventVersion").string("2.0")
                .field("eventSource").string("minio:s3")
                .field("awsRegion").string("")
                .field("eventTime").string(AMZ_TIME.format(time))
                .field("eventName").string(eventName)
                .field("userIdentity").begin().field("principalId").string(nz(origin.principalId())).end()
                .field("requestParameters").map(requestParameters)
                .field("responseElements").map(responseElements)
                .field("s3").begin()
                .field("s3SchemaVersion").string("1.0")
                .field("configurationId").string("Config")
                .field("bucket").begin()
                .field("name").string(bucket)
                .field("ownerIdentity").begin().field("principalId").string(nz(origin.principalId())).end()
                .field("arn").string("arn:aws:s3:::" + bucket)
                .end()
                .field("object").begin()
                .field("key").string(S3Keys.queryEscape(key));
        if (!removed) {
            if (size != 0) {
                j.field("size").number(size);
            }
            if (eTag != null && !eTag.isEmpty()) {
                j.field("eTag").string(eTag);
            }
            if (contentType != null && !contentType.isEmpty()) {
                j.field("contentType").string(contentType);
                j.field("userMetadata").map(Map.of("content-type", contentType));
            }
        }
        j.field("sequencer").string(sequencer)
                .end() // object
                .end() // s3
                .field("source").begin()
                .field("host").string(nz(origin.sourceIp()))
                .field("port").string("")
                .field("userAgent").string(nz(origin.userAgent()))
                .end()
                .end(); // record
        j.raw("]").end();
        return j.bytes();
    }

    /** The sequencer MinIO would write for a time: uppercase hex of Unix nanoseconds. */
    public static String sequencer(long unixNanos) {
        return Long.toHexString(unixNanos).toUpperCase(java.util.Locale.ROOT);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** A tiny writer producing Go {@code encoding/json} output (compact, HTML-safe escaping). */
    private static final class GoJson {
        private final StringBuilder sb = new StringBuilder(1024);
        private boolean first = true;

        GoJson begin() {
            sb.append('{');
            first = true;
            return this;
        }

        GoJson end() {
            sb.append('}');
            first = false;
            return this;
        }

        GoJson field(String name) {
            if (!first) {
                sb.append(',');
            }
            quote(name);
            sb.append(':');
            first = true; // the value must not be preceded by a comma
            return this;
        }

        GoJson string(String s) {
            quote(s);
            first = false;
            return this;
        }

        GoJson number(long n) {
            sb.append(n);
            first = false;
            return this;
        }

        GoJson raw(String s) {
            sb.append(s);
            first = !s.equals("]");
            return this;
        }

        GoJson map(Map<String, String> m) {
            begin();
            for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
                field(e.getKey()).string(e.getValue());
            }
            return end();
        }

        private void quote(String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }

        byte[] bytes() {
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
