package dev.relay.functions.events;

import dev.relay.eventing.RelayEventTypes;

/**
 * Which function handles which CloudEvent type (the root route's table; the Knative Triggers in
 * {@code deploy/knative/} filter the same way).
 */
public final class EventTypes {
    /** Knative KafkaSource's type: the data is a MinIO notification envelope. */
    public static final String KAFKA_EVENT = RelayEventTypes.KAFKA_EVENT;
    /** ApiServerSource prefixes: Resource mode ({@code resource.add|update|delete}) and Reference mode ({@code ref.*}). */
    public static final String APISERVER_PREFIX = RelayEventTypes.APISERVER_PREFIX;

    /** The functions, by their Funqy names. */
    public static final String ARTIFACT = RelayEventTypes.ARTIFACT;
    /** The function that writes {@code run.json}. */
    public static final String RUN_START = RelayEventTypes.RUN_START;
    /** The function that hears Kubernetes Job changes. */
    public static final String JOB_STATUS = RelayEventTypes.JOB_STATUS;
    /** The function that fires a recurring run's due runs ({@link ScheduleFire}). */
    public static final String SCHEDULE_FIRE = RelayEventTypes.SCHEDULE_FIRE;
    /** A Knative PingSource's type: a recurring run's ping, data {@code {"scheduleId"}}. */
    public static final String PING = RelayEventTypes.PING;

    private EventTypes() {}

    /** @return the function for {@code type}, or null when no function handles it ({@link RelayEventTypes#functionFor}, the one rule) */
    public static String functionFor(String type) {
        return RelayEventTypes.functionFor(type);
    }

    /**
     * @return whether a PingSource event's data is the {@code relay-sweep} PingSource's
     *     ({@code {"sweep": true}}) rather than a recurring run's ({@code {"scheduleId"}})
     */
    public static boolean isSweep(byte[] data) {
        if (data == null || data.length == 0) {
            return false;
        }
        try {
            return dev.relay.runner.contract.Json.MAPPER.readTree(data).path("sweep").asBoolean(false);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** @return true when {@code contentType} is JSON ({@code application/json}, {@code text/json}, {@code *+json}) or absent */
    public static boolean isJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return base.equals("application/json") || base.equals("text/json") || base.endsWith("+json");
    }
}
