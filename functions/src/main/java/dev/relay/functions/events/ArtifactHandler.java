package dev.relay.functions.events;

import dev.relay.eventing.input.SafeJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.eventing.EventFormatException;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.eventing.s3.S3Notifications;
import dev.relay.eventing.s3.S3Record;
import dev.relay.functions.app.Backend;
import dev.relay.functions.app.Backoff;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.IndexHook;
import dev.relay.functions.app.RelayConfig;
import dev.relay.functions.app.Triggers;
import dev.relay.runner.trigger.TriggerService;
import java.nio.charset.StandardCharsets;
import dev.relay.runner.contract.RunLayout;
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
 *   <li>every new object of the Relay bucket ({@code run.json}, {@code status.json}, metrics, UI
 *       metadata; other keys are skipped by the indexer) also goes to the {@link IndexHook}; a
 *       failing index is logged and never fails the event;</li>
 *   <li>a new object in a bucket that a loaded upload trigger watches (DESIGN.md §2: Relay owns
 *       every bucket and prefix a trigger names) goes to {@link TriggerService#onEvent}; a trigger
 *       that matches but cannot start its run is reported in the outcome ({@code failed}) and
 *       logged, not redelivered;</li>
 *   <li>anything else, including buckets and prefixes Relay does not own and deletes, tagging,
 *       retention, legal-hold and access events: acknowledged, no effect.</li>
 * </ul>
 */
@ApplicationScoped
public class ArtifactHandler {
    /** Prefixes Relay owns in its bucket (DESIGN.md §2); triggers will add their own buckets and prefixes. */
    public static final Set<String> OWNED_PREFIXES = Set.of("runs/", "pipelines/", "triggers/");

    private static final ObjectMapper MAPPER = SafeJson.mapper();

    private final Backend backend;
    private final IndexHook indexer;
    private final RelayConfig config;
    private final Triggers triggers;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ArtifactHandler.class);
    private final Map<String, Boolean> indexed = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 20_000;
        }
    });

    /** The newest outcome of each recent object version ({@link #outcome}), bounded. */
    private final Map<String, Outcome> recent = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
            return size() > 2_000;
        }
    });

    /** @param backend the runner's pieces; @param indexer the index hook; @param triggers the loaded triggers */
    @Inject
    public ArtifactHandler(Backend backend, IndexHook indexer, RelayConfig config, Triggers triggers) {
        this.backend = backend;
        this.indexer = indexer;
        this.config = config;
        this.triggers = triggers;
    }

    /**
     * What happened to one record.
     *
     * @param action {@code handled}, {@code indexed}, {@code triggered}, {@code failed} (a trigger
     *               matched but could not start its run) or {@code ignored}
     * @param reason why, for {@code ignored} and {@code failed}
     * @param runs   runs that triggers started for this record (trigger name → run id), or null
     */
    public record Outcome(String bucket, String key, String eventName, String action, String reason, Map<String, String> runs) {
        /** An outcome that started no run. */
        public Outcome(String bucket, String key, String eventName, String action, String reason) {
            this(bucket, key, eventName, action, reason, null);
        }
    }

    /**
     * What this app did with an object version it was notified of lately (the newest of its last
     * 2000): what {@code relay upload} reports after its upload.
     *
     * @param eTag the version's ETag (quotes ignored)
     * @return empty when no notification of that version has been handled (yet)
     */
    public Optional<Outcome> outcome(String bucket, String key, String eTag) {
        return Optional.ofNullable(recent.get(versionKey(bucket, key, eTag)));
    }

    private static String versionKey(String bucket, String key, String eTag) {
        return bucket + "\n" + key + "\n" + (eTag == null ? "" : eTag.replace("\"", ""));
    }

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
        return handleEntries(meta.type(), parseEntries(data));
    }

    /**
     * Handles already parsed records (the webhook and the bridge parse the envelope themselves).
     *
     * @param type the CloudEvent type, or null when none carried them
     */
    public Reply handleEntries(String type, List<S3Notifications.Entry> records) {
        List<Outcome> out = new ArrayList<>(records.size());
        for (S3Notifications.Entry r : records) {
            Outcome o = onRecord(r);
            recent.put(versionKey(r.record().bucket(), r.record().key(), r.record().eTag()), o);
            out.add(o);
        }
        return new Reply(EventTypes.ARTIFACT, type, out);
    }

    /**
     * Parses a notification or a single record, every record before any effect.
     *
     * @throws HttpError 400 naming what is wrong ({@code not JSON: …}, {@code unsupported envelope: …})
     */
    public static List<S3Notifications.Entry> parseEntries(byte[] data) {
        try {
            JsonNode node;
            try {
                node = MAPPER.readTree(data);
            } catch (IOException e) {
                throw new EventFormatException("not JSON: " + SafeJson.describe(e), e);
            }
            if (node != null && node.isObject() && !node.has("Records") && node.has("s3") && node.has("eventName")) {
                return List.of(new S3Notifications.Entry(S3Notifications.parseRecord(data), data));
            }
            return S3Notifications.parseEntries(data);
        } catch (EventFormatException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private Outcome onRecord(S3Notifications.Entry entry) {
        S3Record r = entry.record();
        ArtifactStore store = backend.store();
        boolean relayBucket = store.bucket().equals(r.bucket());
        boolean owned = relayBucket && OWNED_PREFIXES.stream().anyMatch(p -> r.key().startsWith(p));
        boolean watched = triggers.service().watchesBucket(r.bucket()) && !(relayBucket && owned);
        if (!owned && !watched) {
            return relayBucket ? ignored(r, "key is outside runs/, pipelines/ and triggers/ and no trigger watches this bucket")
                    : ignored(r, "bucket '" + r.bucket() + "' is not Relay's (" + store.bucket() + ") and no trigger watches it");
        }
        if (!r.isNewData()) {
            return ignored(r, (owned ? "" : "key is outside runs/, pipelines/ and triggers/, and ") + r.eventType()
                    + " brings no new data");
        }
        if (watched) {
            return trigger(entry, relayBucket);
        }
        return owned(r);
    }

    /** Hands an object record to the triggers that watch its bucket. */
    private Outcome trigger(S3Notifications.Entry entry, boolean relayBucket) {
        S3Record r = entry.record();
        TriggerService.Outcome o;
        try {
            o = triggers.service().onEvent(S3CloudEvents.toCloudEvent(r, entry.json()));
        } catch (TriggerService.TriggerFailure e) {
            LOG.warnf("trigger for %s failed: %s", r.uri(), e.getMessage());
            return new Outcome(r.bucket(), r.key(), r.eventName(), "failed", e.getMessage(), null);
        } catch (EventFormatException e) {
            // the record read as a notification (its envelope filled a field in) but not as an event of its own
            LOG.warnf("trigger for %s: %s", r.uri(), e.getMessage());
            return new Outcome(r.bucket(), r.key(), r.eventName(), "failed", "the record cannot be read as an event: "
                    + e.getMessage(), null);
        }
        if (!o.started().isEmpty()) {
            LOG.infof("%s started %s", r.uri(), o.started());
            return new Outcome(r.bucket(), r.key(), r.eventName(), "triggered", null, o.started());
        }
        if (!o.debounced().isEmpty()) {
            return new Outcome(r.bucket(), r.key(), r.eventName(), "debounced", "in the open window of " + o.debounced(), null);
        }
        if (!o.repeated().isEmpty()) {
            return ignored(r, "trigger(s) " + o.repeated() + " already fired for this object version");
        }
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        o.reasons().forEach((name, why) -> {
            if (triggers.service().triggers().stream().anyMatch(t -> t.name().equals(name)
                    && t instanceof dev.relay.eventing.trigger.Trigger.UploadTrigger)) {
                reasons.put(name, why);
            }
        });
        return ignored(r, (relayBucket ? "key is outside runs/, pipelines/ and triggers/ and " : "") + "no trigger matched: " + reasons);
    }

    private void index(S3Record r) {
        try {
            indexer.onObject(r);
        } catch (RuntimeException e) {
            LOG.warnf("index: %s: %s", r.key(), e.getMessage());
        }
    }

    private Outcome owned(S3Record r) {
        Optional<RunLayout.Key> parsed = RunLayout.parse(r.key());
        if (parsed.isEmpty()) {
            return ignored(r, "no action for this key");
        }
        RunLayout.Key key = parsed.get();
        switch (key.kind()) {
            case RUN_JSON -> {
                awaitReadable(r.key());
                backend.controller().onObject(r);
                index(r);
                return new Outcome(r.bucket(), r.key(), r.eventName(), "handled", null);
            }
            case ATTEMPT_STATUS -> {
                awaitReadable(RunLayout.runJson(key.runId()));
                awaitReadable(r.key());
                backend.controller().onObject(r);
                index(r);
                return new Outcome(r.bucket(), r.key(), r.eventName(), "handled", null);
            }
            case RUN_STATUS -> {
                index(r);
                return new Outcome(r.bucket(), r.key(), r.eventName(), "indexed", null);
            }
            case METRICS, UI_METADATA -> {
                if (indexed.put(r.dedupeKey(), Boolean.TRUE) != null) {
                    return ignored(r, "this object version was seen before");
                }
                index(r);
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
