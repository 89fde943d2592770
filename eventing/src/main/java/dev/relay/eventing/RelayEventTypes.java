package dev.relay.eventing;

/**
 * CloudEvent {@code type} values that Relay emits or reacts to (docs/contracts.md, "CloudEvent types").
 *
 * <p>Object events follow the CloudEvents AWS S3 adapter: {@link #S3_PREFIX} followed by the
 * S3 event name without a leading {@code s3:}, e.g. {@code com.amazonaws.s3.ObjectCreated:Put}.
 * Relay's own types live under {@code dev.relay.}; each is documented in {@code docs/events.md}.
 */
public final class RelayEventTypes {

    /** Prefix of every object event type (CloudEvents AWS S3 adapter): {@value}. */
    public static final String S3_PREFIX = "com.amazonaws.s3.";

    /** A run is asked for; data = the run request of docs/contracts.md: {@value}. */
    public static final String RUN_REQUESTED = "dev.relay.run.requested";

    /** A run's {@code run.json} was written and its root tasks are launching: {@value}. */
    public static final String RUN_STARTED = "dev.relay.run.started";

    /** A run reached a final phase ({@code runs/<run>/status.json} written): {@value}. */
    public static final String RUN_FINISHED = "dev.relay.run.finished";

    /** One execution of a task finished ({@code attempts/<n>/status.json} written): {@value}. */
    public static final String TASK_FINISHED = "dev.relay.task.finished";

    /** Knative KafkaSource's type: the data is a MinIO notification envelope: {@value}. */
    public static final String KAFKA_EVENT = "dev.knative.kafka.event";
    /** Knative ApiServerSource's prefix (Resource mode {@code resource.add|update|delete}, Reference mode {@code ref.*}): {@value}. */
    public static final String APISERVER_PREFIX = "dev.knative.apiserver.";
    /** A Knative PingSource's type (a recurring run's ping): {@value}. */
    public static final String PING = "dev.knative.sources.ping";

    /** The functions, by their Funqy names. */
    public static final String ARTIFACT = "artifact";
    /** The function that writes {@code run.json}. */
    public static final String RUN_START = "run-start";
    /** The function that hears Kubernetes Job changes. */
    public static final String JOB_STATUS = "job-status";
    /** The function that fires a recurring run's due runs. */
    public static final String SCHEDULE_FIRE = "schedule-fire";

    private static final java.util.Set<String> APISERVER_VERBS = java.util.Set.of("add", "update", "delete");

    private RelayEventTypes() {
    }

    /**
     * The one routing rule of Relay: which function a CloudEvent type goes to. The functions
     * app's root route dispatches by it, and trigger files may not name a type it gives to a
     * function (that function never consults EventTriggers), so {@code relay trigger test} and
     * the server agree.
     *
     * @return {@link #ARTIFACT}, {@link #RUN_START}, {@link #SCHEDULE_FIRE}, {@link #JOB_STATUS},
     *     or null when no function owns {@code type} (then EventTriggers are consulted)
     */
    public static String functionFor(String type) {
        if (type == null) {
            return null;
        }
        if (isS3Type(type) || KAFKA_EVENT.equals(type)) {
            return ARTIFACT;
        }
        if (RUN_REQUESTED.equals(type)) {
            return RUN_START;
        }
        if (PING.equals(type)) {
            return SCHEDULE_FIRE;
        }
        if (type.startsWith(APISERVER_PREFIX)) {
            String rest = type.substring(APISERVER_PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot > 0 && java.util.Set.of("resource", "ref").contains(rest.substring(0, dot))
                    && APISERVER_VERBS.contains(rest.substring(dot + 1))) {
                return JOB_STATUS;
            }
        }
        return null;
    }

    /**
     * The CloudEvent type for an S3/MinIO event name.
     *
     * @param eventName as the notification gives it, with or without {@code s3:}
     *     ({@code s3:ObjectCreated:Put} and {@code ObjectCreated:Put} give the same type)
     * @return {@code com.amazonaws.s3.} + the name without a leading {@code s3:}
     */
    public static String s3Type(String eventName) {
        return S3_PREFIX + stripS3Prefix(eventName);
    }

    /** {@code true} when {@code type} is an object event type ({@link #S3_PREFIX}...). */
    public static boolean isS3Type(String type) {
        return type != null && type.startsWith(S3_PREFIX);
    }

    /** {@code eventName} without a leading {@code s3:} (MinIO writes it, AWS does not). */
    public static String stripS3Prefix(String eventName) {
        return eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
    }
}
