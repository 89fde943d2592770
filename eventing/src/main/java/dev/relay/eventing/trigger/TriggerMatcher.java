package dev.relay.eventing.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a trigger fires for an event, and with which parameters. Every condition is
 * checked against the event itself: a subscription filter upstream (a Knative Trigger) is never
 * assumed. Pure: no I/O, no dedupe state.
 */
public final class TriggerMatcher {
    private TriggerMatcher() {}

    /**
     * The verdict.
     *
     * @param reason why it matched or not, for people ({@code relay trigger test}, HTTP 202 bodies)
     * @param parameters rendered parameters when matched, else empty
     */
    public record Result(boolean matched, String reason, Map<String, String> parameters) {
        static Result no(String reason) {
            return new Result(false, reason, Map.of());
        }
    }

    /**
     * @throws MissingValueException when the trigger matches but a parameter template names a
     *     value the event lacks (an error for that event: nothing starts)
     */
    public static Result match(Trigger trigger, TriggerEvent event) throws MissingValueException {
        Optional<String> why = mismatch(trigger, event);
        if (why.isPresent()) {
            return Result.no(why.get());
        }
        return new Result(true, "matched trigger '" + trigger.name() + "'", parameters(trigger, event::variable));
    }

    /** @return why the trigger does not fire for the event, or empty when it does (parameters not rendered) */
    public static Optional<String> mismatch(Trigger trigger, TriggerEvent event) {
        return trigger instanceof Trigger.UploadTrigger u ? uploadMismatch(u, event)
                : eventMismatch((Trigger.EventTrigger) trigger, event);
    }

    /**
     * Renders the trigger's parameters with {@code vars} answering each variable.
     *
     * @throws MissingValueException when a template names a value {@code vars} lacks
     */
    public static Map<String, String> parameters(Trigger trigger, java.util.function.Function<String, Optional<String>> vars)
            throws MissingValueException {
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : trigger.parameters().entrySet()) {
            params.put(e.getKey(), Templates.render(e.getValue(), e.getKey(), vars));
        }
        return params;
    }

    private static Optional<String> uploadMismatch(Trigger.UploadTrigger t, TriggerEvent e) {
        if (e.object() == null) {
            return Optional.of("not an object event (type " + e.type() + ")");
        }
        String name = e.object().eventName();
        name = name.startsWith("s3:") ? name.substring(3) : name;
        if (!name.startsWith("ObjectCreated:")) {
            return Optional.of("event " + e.object().eventName() + " is not an upload");
        }
        String created = name.substring("ObjectCreated:".length());
        if (!t.events().contains(created)) {
            return Optional.of("event " + created + " is not one of " + t.events());
        }
        return objectMismatch(t, e.object().bucket(), e.object().key());
    }

    /**
     * @return why the object {@code bucket}/{@code key} is not one the upload trigger watches (its
     *     bucket, prefix, suffix, glob), or empty when it is
     */
    public static Optional<String> objectMismatch(Trigger.UploadTrigger t, String bucket, String key) {
        if (!t.bucket().equals(bucket)) {
            return Optional.of("bucket '" + bucket + "' is not '" + t.bucket() + "'");
        }
        if (t.prefix() != null && !key.startsWith(t.prefix())) {
            return Optional.of("key '" + key + "' does not start with '" + t.prefix() + "'");
        }
        if (t.suffix() != null && !key.endsWith(t.suffix())) {
            return Optional.of("key '" + key + "' does not end with '" + t.suffix() + "'");
        }
        if (t.glob() != null && !glob(t.glob()).matcher(key).matches()) {
            return Optional.of("key '" + key + "' does not match '" + t.glob() + "'");
        }
        return Optional.empty();
    }

    private static Optional<String> eventMismatch(Trigger.EventTrigger t, TriggerEvent e) {
        if (!t.type().equals(e.type())) {
            return Optional.of("type '" + e.type() + "' is not '" + t.type() + "'");
        }
        if (t.source() != null && !t.source().equals(e.source())) {
            return Optional.of("source '" + e.source() + "' is not '" + t.source() + "'");
        }
        if (t.subjectPrefix() != null && (e.subject() == null || !e.subject().startsWith(t.subjectPrefix()))) {
            return Optional.of("subject '" + e.subject() + "' does not start with '" + t.subjectPrefix() + "'");
        }
        for (Trigger.Condition c : t.where()) {
            if (!holds(c, e)) {
                return Optional.of("condition " + c.path() + " " + c.op() + (c.value() == null ? "" : " " + c.value()) + " does not hold");
            }
        }
        return Optional.empty();
    }

    /** A {@code where} condition: numbers compare as numbers, strings as strings; a type mismatch is false. */
    static boolean holds(Trigger.Condition c, TriggerEvent e) {
        Optional<JsonNode> v = e.node(c.path());
        if (c.op().equals("exists")) {
            return v.isPresent();
        }
        if (v.isEmpty()) {
            return false;
        }
        if (c.op().equals("in")) {
            for (Object item : (List<?>) c.value()) {
                Integer cmp = compare(v.get(), item);
                if (cmp != null && cmp == 0) {
                    return true;
                }
            }
            return false;
        }
        Integer cmp = compare(v.get(), c.value());
        if (cmp == null) {
            return false;
        }
        return switch (c.op()) {
            case "==" -> cmp == 0;
            case "!=" -> cmp != 0;
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            default -> false;
        };
    }

    private static Integer compare(JsonNode actual, Object expected) {
        if (actual.isNumber() && expected instanceof Number n) {
            return Double.compare(actual.asDouble(), n.doubleValue());
        }
        if (actual.isTextual() && expected instanceof String s) {
            return actual.asText().compareTo(s);
        }
        if (actual.isBoolean() && expected instanceof Boolean b) {
            return Boolean.compare(actual.asBoolean(), b);
        }
        return null;
    }

    /** {@code *} matches within a path segment, {@code **} across segments, {@code ?} one character. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            if (ch == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                re.append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            } else if (ch == '*') {
                re.append("[^/]*");
            } else if (ch == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /**
     * The dedupe key of a firing (docs/contracts.md): for an upload trigger (trigger, bucket, key,
     * versionId, eTag), for an event trigger (trigger, event source, event id); the sha256 hex of
     * the UTF-8 fields joined by {@code \n}, an absent field being the empty string.
     */
    public static String dedupeKey(Trigger trigger, TriggerEvent e) {
        List<String> fields = trigger instanceof Trigger.UploadTrigger
                ? List.of(trigger.name(), e.object().bucket(), e.object().key(), nz(e.object().versionId()), nz(e.object().eTag()))
                : List.of(trigger.name(), nz(e.source()), nz(e.id()));
        return dev.relay.eventing.Sha256.hex(String.join("\n", fields));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
