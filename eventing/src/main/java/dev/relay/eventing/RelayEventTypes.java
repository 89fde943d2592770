package dev.relay.eventing;

/**
 * CloudEvent {@code type} values that Relay emits or reacts to (CONTRACTS.md, "CloudEvent types").
 *
 * <p>Object events follow the CloudEvents AWS S3 adapter: {@link #S3_PREFIX} followed by the
 * S3 event name without a leading {@code s3:}, e.g. {@code com.amazonaws.s3.ObjectCreated:Put}.
 * Relay's own types live under {@code dev.relay.}; each is documented in {@code docs/events.md}.
 */
public final class RelayEventTypes {

    /** Prefix of every object event type (CloudEvents AWS S3 adapter): {@value}. */
    public static final String S3_PREFIX = "com.amazonaws.s3.";

    /** A run is asked for; data = the run request of CONTRACTS.md: {@value}. */
    public static final String RUN_REQUESTED = "dev.relay.run.requested";

    /** A run's {@code run.json} was written and its root tasks are launching: {@value}. */
    public static final String RUN_STARTED = "dev.relay.run.started";

    /** A run reached a final phase ({@code runs/<run>/status.json} written): {@value}. */
    public static final String RUN_FINISHED = "dev.relay.run.finished";

    /** One execution of a task finished ({@code attempts/<n>/status.json} written): {@value}. */
    public static final String TASK_FINISHED = "dev.relay.task.finished";

    private RelayEventTypes() {
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
