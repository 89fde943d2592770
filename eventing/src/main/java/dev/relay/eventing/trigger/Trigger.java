package dev.relay.eventing.trigger;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Relay trigger (docs/contracts.md "Triggers"): YAML, one per file, {@code apiVersion: relay.dev/v1}.
 * An {@link UploadTrigger} starts a run when an object lands in a bucket; an {@link EventTrigger}
 * when a CloudEvent of a type arrives. Parameters are templates over the event
 * ({@code {{ object.uri }}}, {@code {{ data.model or event.subject }}}).
 */
public sealed interface Trigger {
    /** The API version every trigger file declares. */
    String API_VERSION = "relay.dev/v1";

    /** @return {@code metadata.name} */
    String name();

    /** @return the pipeline the trigger starts */
    PipelineRef pipeline();

    /** @return parameter name → template, in file order */
    Map<String, String> parameters();

    /** @return the file it was loaded from (for messages) */
    String file();

    /** A registered pipeline: name and version ({@code latest} for the newest). */
    record PipelineRef(String name, String version) {}

    /**
     * {@code kind: UploadTrigger}.
     *
     * @param prefix   key prefix, or null
     * @param suffix   key suffix, or null
     * @param glob     key glob ({@code *} within a path segment, {@code **} across segments), or null
     * @param events   event names after {@code ObjectCreated:} (default Put, Post, Copy, CompleteMultipartUpload)
     * @param debounce the debounce window, or null
     */
    record UploadTrigger(String name, String file, String bucket, String prefix, String suffix, String glob,
                         List<String> events, PipelineRef pipeline, Map<String, String> parameters,
                         Duration debounce) implements Trigger {
        /** The event names an upload trigger reacts to when {@code events} is not given. */
        public static final List<String> DEFAULT_EVENTS = List.of("Put", "Post", "Copy", "CompleteMultipartUpload");
    }

    /**
     * {@code kind: EventTrigger}.
     *
     * @param source        exact CloudEvent source, or null for any
     * @param subjectPrefix CloudEvent subject prefix, or null
     * @param where         conditions that must all hold
     */
    record EventTrigger(String name, String file, String type, String source, String subjectPrefix,
                        List<Condition> where, PipelineRef pipeline, Map<String, String> parameters) implements Trigger {}

    /**
     * One {@code where} condition: {@code path} is a template variable ({@code data.score},
     * {@code event.subject}); {@code op} one of {@code == != > >= < <= exists in}; {@code value} the
     * YAML value (a list for {@code in}, absent for {@code exists}).
     */
    record Condition(String path, String op, Object value) {}
}
