package dev.relay.functions.events;

import dev.relay.eventing.RelayEventTypes;
import java.util.Set;

/**
 * Which function handles which CloudEvent type (the root route's table; the Knative Triggers in
 * {@code deploy/knative/} filter the same way).
 */
public final class EventTypes {
    /** Knative KafkaSource's type: the data is a MinIO notification envelope. */
    public static final String KAFKA_EVENT = "dev.knative.kafka.event";
    /** ApiServerSource prefixes: Resource mode ({@code resource.add|update|delete}) and Reference mode ({@code ref.*}). */
    public static final String APISERVER_PREFIX = "dev.knative.apiserver.";
    private static final Set<String> APISERVER_VERBS = Set.of("add", "update", "delete");

    /** The functions, by their Funqy names. */
    public static final String ARTIFACT = "artifact";
    /** The function that writes {@code run.json}. */
    public static final String RUN_START = "run-start";
    /** The function that hears Kubernetes Job changes. */
    public static final String JOB_STATUS = "job-status";
    /** The function that fires a recurring run's due runs ({@link ScheduleFire}). */
    public static final String SCHEDULE_FIRE = "schedule-fire";
    /** A Knative PingSource's type: a recurring run's ping, data {@code {"scheduleId"}}. */
    public static final String PING = "dev.knative.sources.ping";

    private EventTypes() {}

    /** @return the function for {@code type}, or null when no function handles it */
    public static String functionFor(String type) {
        if (type == null) {
            return null;
        }
        if (RelayEventTypes.isS3Type(type) || KAFKA_EVENT.equals(type)) {
            return ARTIFACT;
        }
        if (RelayEventTypes.RUN_REQUESTED.equals(type)) {
            return RUN_START;
        }
        if (PING.equals(type)) {
            return SCHEDULE_FIRE;
        }
        if (type.startsWith(APISERVER_PREFIX)) {
            String rest = type.substring(APISERVER_PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot > 0 && Set.of("resource", "ref").contains(rest.substring(0, dot))
                    && APISERVER_VERBS.contains(rest.substring(dot + 1))) {
                return JOB_STATUS;
            }
        }
        return null;
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
