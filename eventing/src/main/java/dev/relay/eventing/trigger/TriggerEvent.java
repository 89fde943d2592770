package dev.relay.eventing.trigger;

import dev.relay.eventing.input.SafeJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relay.eventing.RelayEventTypes;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.eventing.s3.S3Record;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * What a trigger sees of one event: the CloudEvent's attributes, its data as JSON (null when it is
 * not JSON), and for object events the S3 record.
 *
 * @param object the S3 record for an S3-adapter event, else null
 */
public record TriggerEvent(String id, String source, String type, String subject, String time, JsonNode data,
                           S3Record object) {
    private static final ObjectMapper JSON = SafeJson.mapper();

    /** Reads a CloudEvent; an S3-adapter type ({@code com.amazonaws.s3.*}) also yields its record. */
    public static TriggerEvent of(CloudEvent ce) {
        JsonNode data = null;
        if (ce.getData() != null) {
            try {
                data = JSON.readTree(ce.getData().toBytes());
            } catch (IOException e) {
                data = null;
            }
        }
        S3Record rec = RelayEventTypes.isS3Type(ce.getType()) ? S3CloudEvents.toRecord(ce) : null;
        return new TriggerEvent(ce.getId(), ce.getSource().toString(), ce.getType(), ce.getSubject(),
                ce.getTime() == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ce.getTime()), data, rec);
    }

    /**
     * A template variable's value: {@code object.bucket|key|uri|eTag|versionId|size|eventName},
     * {@code event.id|source|type|subject|time}, {@code data.<path>} (text as is, numbers and
     * booleans as JSON writes them, objects and arrays as compact JSON).
     *
     * @return empty when the event has no such value (or it is null)
     */
    public Optional<String> variable(String name) {
        return node(name).map(n -> n.isValueNode() ? n.asText() : n.toString());
    }

    /** The variable as a JSON node (numbers stay numbers, for {@code where} comparisons). */
    public Optional<JsonNode> node(String name) {
        int dot = name.indexOf('.');
        String root = dot < 0 ? name : name.substring(0, dot);
        String rest = dot < 0 ? "" : name.substring(dot + 1);
        JsonNode n = switch (root) {
            case "event" -> text(switch (rest) {
                case "id" -> id;
                case "source" -> source;
                case "type" -> type;
                case "subject" -> subject;
                case "time" -> time;
                default -> null;
            });
            case "object" -> object == null ? null : switch (rest) {
                case "bucket" -> text(object.bucket());
                case "key" -> text(object.key());
                case "uri" -> text(object.uri());
                case "eTag" -> text(object.eTag());
                case "versionId" -> text(object.versionId());
                case "size" -> object.size() == null ? null : JsonNodeFactory.instance.numberNode(object.size());
                case "eventName" -> text(object.eventName());
                default -> null;
            };
            case "data" -> path(data, rest);
            default -> null;
        };
        return n == null || n.isNull() || n.isMissingNode() ? Optional.empty() : Optional.of(n);
    }

    private static JsonNode path(JsonNode node, String path) {
        JsonNode n = node;
        for (String part : path.split("\\.")) {
            if (n == null) {
                return null;
            }
            n = n.isArray() && part.matches("[0-9]+") ? n.get(Integer.parseInt(part)) : n.get(part);
        }
        return n;
    }

    private static JsonNode text(String s) {
        return s == null || s.isEmpty() ? null : TextNode.valueOf(s);
    }
}
