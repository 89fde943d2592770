package dev.relay.eventing.s3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.eventing.EventFormatException;
import dev.relay.eventing.RelayEventTypes;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * S3/MinIO notification records ⇄ CloudEvents, following the CloudEvents AWS S3 adapter
 * ({@code cloudevents/adapters/aws-s3.md}) with the two rules of docs/contracts.md:
 * <ul>
 *   <li>{@code type} = {@code com.amazonaws.s3.} + event name <b>without</b> a leading {@code s3:};</li>
 *   <li>{@code subject} = the <b>decoded</b> key (the adapter keeps it encoded), so subject-prefix
 *       filters work on real keys.</li>
 * </ul>
 * {@code source} = eventSource + {@code .} + awsRegion + {@code .} + bucket;
 * {@code id} = {@code x-amz-request-id} + {@code .} + {@code x-amz-id-2}, or request id +
 * {@code .} + sequencer when {@code x-amz-id-2} is absent (older MinIO); {@code time} = eventTime;
 * {@code datacontenttype} = {@code application/json}; data = the single record's JSON.
 */
public final class S3CloudEvents {

    /** The {@code datacontenttype} of object events. */
    public static final String JSON = "application/json";

    private S3CloudEvents() {
    }

    /**
     * Builds the CloudEvent of one record.
     *
     * @param r the parsed record
     * @param recordJson the record's JSON ({@code Records[i]}), used as the event data as is
     *     (not null; {@link S3Notifications#parseEntries(byte[])} gives it)
     * @return a CloudEvents 1.0 event
     * @throws EventFormatException when {@code source} would not be a URI reference
     */
    public static CloudEvent toCloudEvent(S3Record r, byte[] recordJson) {
        Objects.requireNonNull(recordJson, "recordJson");
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(id(r, recordJson))
                .withType(RelayEventTypes.s3Type(r.eventName()))
                .withSource(source(r))
                .withSubject(r.key())
                .withDataContentType(JSON)
                .withData(JSON, recordJson);
        if (r.eventTime() != null) {
            b.withTime(r.eventTime().atOffset(ZoneOffset.UTC));
        }
        return b.build();
    }

    /**
     * Turns every record of a notification payload into a CloudEvent.
     *
     * @param notification a payload {@link S3Notifications#parse(byte[])} accepts
     * @return one event per record, in order; empty for a test event
     * @throws EventFormatException as {@link S3Notifications#parse(byte[])}
     */
    public static List<CloudEvent> toCloudEvents(byte[] notification) {
        List<CloudEvent> out = new ArrayList<>();
        for (S3Notifications.Entry e : S3Notifications.parseEntries(notification)) {
            out.add(toCloudEvent(e.record(), e.json()));
        }
        return out;
    }

    /**
     * Reads an object event back into a record: parses the event data (one {@code Records[i]}
     * object, or a whole notification holding exactly one record) and decodes the key from it;
     * the subject is not used.
     *
     * @param event a CloudEvent whose data is S3 record JSON
     * @return the record
     * @throws EventFormatException when the event has no data, the data is not such JSON, or an
     *     envelope holds other than one record
     */
    public static S3Record toRecord(CloudEvent event) {
        CloudEventData data = event.getData();
        if (data == null) {
            throw new EventFormatException("event " + event.getId() + " (" + event.getType() + ") has no data");
        }
        byte[] bytes = data.toBytes();
        JsonNode node = S3Notifications.readTree(bytes);
        if (node.isObject() && node.has("Records")) {
            List<S3Record> records = S3Notifications.parse(bytes);
            if (records.size() != 1) {
                throw new EventFormatException("event " + event.getId() + ": data holds "
                        + records.size() + " records, expected 1");
            }
            return records.get(0);
        }
        return S3Notifications.toRecord(node, null, "event " + event.getId() + " data");
    }

    /** The {@code source} attribute: eventSource.awsRegion.bucket (missing parts are empty). */
    public static URI source(S3Record r) {
        String s = nz(r.eventSource()) + "." + nz(r.awsRegion()) + "." + r.bucket();
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new EventFormatException("cannot build a URI-reference source from " + s, e);
        }
    }

    /**
     * The {@code id} attribute: requestId.id2, else requestId.sequencer, else whichever of them
     * exists; when the record has neither, the sha256 hex of the record JSON (stable for a
     * redelivered record).
     */
    public static String id(S3Record r, byte[] recordJson) {
        String req = r.requestId();
        String second = r.id2() != null && !r.id2().isEmpty() ? r.id2() : r.sequencer();
        boolean hasReq = req != null && !req.isEmpty();
        boolean hasSecond = second != null && !second.isEmpty();
        if (hasReq && hasSecond) {
            return req + "." + second;
        }
        if (hasReq) {
            return req;
        }
        if (hasSecond) {
            return second;
        }
        return sha256(recordJson == null ? r.toString().getBytes(StandardCharsets.UTF_8) : recordJson);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String sha256(byte[] bytes) {
        return dev.relay.eventing.Sha256.hex(bytes);
    }
}
