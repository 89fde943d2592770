package dev.relay.functions.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.eventing.EventFormatException;
import dev.relay.eventing.s3.S3Notifications;
import dev.relay.eventing.s3.S3Record;
import dev.relay.functions.app.Backend;
import dev.relay.functions.app.Backoff;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.RelayConfig;
import dev.relay.runner.run.RunLayout;
import dev.relay.runner.store.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The body of the {@code artifact} function, a thin adapter over the runner: reads every record
 * of the event first (so a bad record rejects the whole event and nothing is half-applied), then
 * for each record the bucket owns and that brings new data:
 * <ul>
 *   <li>{@code run.json} / an attempt's {@code status.json}: waits with bounded backoff until the
 *       object (and the run's {@code run.json}) is readable, then hands the record to the
 *       {@link dev.relay.runner.run.RunController}; still unreadable →
 *       {@code 503 input not readable: s3://…} so that the Broker redelivers;</li>
 *   <li>metrics and UI metadata: {@link ObjectIndexer};</li>
 *   <li>anything else, including buckets and prefixes Relay does not own (DESIGN.md §2) and
 *       deletes, tagging, retention, legal-hold and access events: acknowledged, no effect.</li>
 * </ul>
 */
@ApplicationScoped
public class ArtifactHandler {
    /** Prefixes Relay owns in its bucket (DESIGN.md §2); triggers will add their own buckets and prefixes. */
    public static final Set<String> OWNED_PREFIXES = Set.of("runs/", "pipelines/", "triggers/");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Backend backend;
    private final ObjectIndexer indexer;
    private final RelayConfig config;
    private final Map<String, Boolean> indexed = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 20_000;
        }
    });

    /** @param backend the runner's pieces; @param indexer the index hook */
    @Inject
    public ArtifactHandler(Backend backend, ObjectIndexer indexer, RelayConfig config) {
        this.backend = backend;
        this.indexer = indexer;
        this.config = config;
    }

    /**
     * What happened to one record.
     *
     * @param action {@code handled}, {@code indexed} or {@code ignored}
     * @param reason why, for {@code ignored}
     */
    public record Outcome(String bucket, String key, String eventName, String action, String reason) {}

    /** The function's answer: one outcome per record, in order. */
    public record Reply(String function, String type, List<Outcome> records) {}

    /**
     * Handles an object event's data: one {@code Records[i]} object (the S3 adapter's data) or a
     * whole notification (a KafkaSource event, the webhook, the bridge).
     *
     * @throws HttpError 400 for data that is not a notification or record, 415 for a non-JSON
     *                   media type, 503 when an object stays unreadable
     */
    public Reply handle(EventMeta meta, byte[] data) {
        if (!EventTypes.isJson(meta.dataContentType())) {
            throw new HttpError(415, "unsupported datacontenttype '" + meta.dataContentType() + "' for "
                    + meta.type() + ": the artifact function reads S3 notification JSON (application/json)");
        }
        if (data == null || data.length == 0) {
            throw HttpError.badRequest("event " + meta.id() + " (" + meta.type() + ") has no data: expected an S3 record or notification");
        }
        return handleRecords(meta.type(), parse(data));
    }

    /**
     * Handles already parsed records (the webhook and the bridge parse the envelope themselves).
     *
     * @param type the CloudEvent type, or null when none carried them
     */
    public Reply handleRecords(String type, List<S3Record> records) {
        List<Outcome> out = new ArrayList<>(records.size());
        for (S3Record r : records) {
            out.add(onRecord(r));
        }
        return new Reply(EventTypes.ARTIFACT, type, out);
    }

    /**
     * Parses a notification or a single record, every record before any effect.
     *
     * @throws HttpError 400 naming what is wrong ({@code not JSON: …}, {@code unsupported envelope: …})
     */
    public static List<S3Record> parse(byte[] data) {
        try {
            JsonNode node;
            try {
                node = MAPPER.readTree(data);
            } catch (IOException e) {
                throw new EventFormatException("not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            if (node != null && node.isObject() && !node.has("Records") && node.has("s3") && node.has("eventName")) {
                return List.of(S3Notifications.parseRecord(data));
            }
            return S3Notifications.parse(data);
        } catch (EventFormatException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private Outcome onRecord(S3Record r) {
        ArtifactStore store = backend.store();
        if (!store.bucket().equals(r.bucket())) {
            return ignored(r, "bucket '" + r.bucket() + "' is not Relay's (" + store.bucket() + ")");
        }
        if (OWNED_PREFIXES.stream().noneMatch(p -> r.key().startsWith(p))) {
            return ignored(r, "key is outside runs/, pipelines/ and triggers/");
        }
        if (!r.isNewData()) {
            return ignored(r, r.eventType() + " brings no new data");
        }
        Optional<RunLayout.Key> parsed = RunLayout.parse(r.key());
        if (parsed.isEmpty()) {
            return ignored(r, "no action for this key");
        }
        RunLayout.Key key = parsed.get();
        switch (key.kind()) {
            case RUN_JSON -> {
                awaitReadable(r.key());
                backend.controller().onObject(r);
                return new Outcome(r.bucket(), r.key(), r.eventName(), "handled", null);
            }
            case ATTEMPT_STATUS -> {
                awaitReadable(RunLayout.runJson(key.runId()));
                awaitReadable(r.key());
                backend.controller().onObject(r);
                return new Outcome(r.bucket(), r.key(), r.eventName(), "handled", null);
            }
            case METRICS, UI_METADATA -> {
                String version = r.bucket() + "\n" + r.key() + "\n" + (r.versionId() != null ? r.versionId() : r.eTag())
                        + "\n" + r.sequencer();
                if (indexed.put(version, Boolean.TRUE) != null) {
                    return ignored(r, "this object version was seen before");
                }
                try {
                    indexer.index(r, key);
                } catch (RuntimeException e) {
                    indexed.remove(version);
                    throw e;
                }
                return new Outcome(r.bucket(), r.key(), r.eventName(), "indexed", null);
            }
            default -> {
                return ignored(r, "no action for a " + key.kind().name().toLowerCase().replace('_', ' ') + " object");
            }
        }
    }

    private void awaitReadable(String key) {
        ArtifactStore store = backend.store();
        boolean ok = Backoff.retry(config.readRetry(), () -> store.stat(key).isPresent());
        if (!ok) {
            throw new HttpError(503, "input not readable: " + store.uri(key) + " (still absent after "
                    + config.readRetry().attempts() + " attempts over " + Backoff.total(config.readRetry()).toMillis()
                    + " ms; redeliver later)");
        }
    }

    private static Outcome ignored(S3Record r, String reason) {
        return new Outcome(r.bucket(), r.key(), r.eventName(), "ignored", reason);
    }
}
