package dev.relay.functions.events;

import java.util.Map;

/**
 * The attributes of a CloudEvent that a function sees, whatever carried it (HTTP binary or
 * structured mode through Funqy or the root route, Kafka, the embedded queue).
 *
 * @param dataContentType null when the event did not say (JSON is implied)
 * @param extensions      extension attributes as text (e.g. ApiServerSource's kind, name, namespace)
 */
public record EventMeta(String id, String type, String source, String subject, String dataContentType,
                        Map<String, String> extensions) {
    /** Copies the extensions. */
    public EventMeta {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    /** @return the attributes of an event that carries no CloudEvent (the webhook, the bridge's direct path) */
    public static EventMeta notification(String source) {
        return new EventMeta(null, null, source, null, "application/json", Map.of());
    }
}
