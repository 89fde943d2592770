package dev.relay.runner.event;

import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.eventing.s3.S3Record;
import dev.relay.eventing.trigger.Trigger;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.run.RunController;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.ReadWait;
import dev.relay.runner.trigger.TriggerService;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one path of an object event, whoever received it: {@code relay run}'s in-process queue
 * ({@code local.EmbeddedRuntime}) and the functions app's {@code artifact} function (its HTTP layer
 * only maps {@link NotReadableException} to 503). For each record:
 * <ul>
 *   <li><b>ownership</b>: Relay owns {@link #OWNED_PREFIXES} of its bucket, and every bucket an
 *       upload trigger watches (docs/architecture.md); anything else, and any event that brings no
 *       new data (deletes, tagging, retention, legal hold, access), is {@code ignored};</li>
 *   <li><b>trigger routing</b>: a new object in a watched bucket (outside the owned prefixes) goes to
 *       {@link TriggerService#onEvent}; a trigger that matches but cannot start its run is
 *       {@code failed}, not redelivered;</li>
 *   <li><b>readable-object wait</b>: before the engine reads {@code run.json} or an attempt's
 *       {@code status.json}, both are awaited with the {@link ReadWait}; still unreadable →
 *       {@link NotReadableException} (the Broker redelivers on the 503 it becomes);</li>
 *   <li><b>engine advance</b>: {@link RunController#onObject}, which drops a record seen before
 *       ({@link S3Record#dedupeKey()});</li>
 *   <li><b>index</b>: every record of a run's documents ({@code run.json}, {@code status.json}s, a
 *       generation's start marker) goes to the index hook after the engine acted; metrics and UI
 *       metadata once per object version (the same dedupe key); a failing hook is logged and never
 *       fails the event.</li>
 * </ul>
 * Thread-safe when the controller and the hook are.
 */
public final class ObjectEventHandler {
    /** Prefixes Relay owns in its bucket; triggers add their own buckets. */
    public static final Set<String> OWNED_PREFIXES = Set.of("runs/", "pipelines/", "triggers/");

    private static final System.Logger LOG = System.getLogger(ObjectEventHandler.class.getName());

    private final ArtifactStore store;
    private final RunController controller;
    private final Supplier<TriggerService> triggers;
    private final Consumer<S3Record> index;
    private final ReadWait readWait;

    private final Map<String, Boolean> indexed = bounded(20_000);
    /** The newest outcome of each recent object version ({@link #outcome}). */
    private final Map<String, Outcome> recent = bounded(2_000);

    /**
     * @param store      the Relay bucket
     * @param controller the engine's driver
     * @param triggers   the loaded triggers, asked at each event (they may load after this handler
     *                   is built); it may give null: no triggers
     * @param index      sees the run documents, metrics and UI metadata after the engine acted
     * @param readWait   how long an announced object is waited for
     */
    public ObjectEventHandler(ArtifactStore store, RunController controller, Supplier<TriggerService> triggers,
                              Consumer<S3Record> index, ReadWait readWait) {
        this.store = store;
        this.controller = controller;
        this.triggers = triggers;
        this.index = index;
        this.readWait = readWait;
    }

    /**
     * What happened to one record.
     *
     * @param action {@code handled}, {@code indexed}, {@code triggered}, {@code debounced},
     *               {@code failed} (a trigger matched but could not start its run) or {@code ignored}
     * @param reason why, for {@code ignored}, {@code debounced} and {@code failed}
     * @param runs   runs that triggers started for this record (trigger name → run id), or null
     */
    public record Outcome(String bucket, String key, String eventName, String action, String reason, Map<String, String> runs) {
        /** An outcome that started no run. */
        public Outcome(String bucket, String key, String eventName, String action, String reason) {
            this(bucket, key, eventName, action, reason, null);
        }
    }

    /** An announced object stayed unreadable through the {@link ReadWait}: the event should be redelivered. */
    public static final class NotReadableException extends RuntimeException {
        /** @param message {@code input not readable: s3://…} with how long it was waited for */
        public NotReadableException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Handles one record.
     *
     * @param recordJson the record's JSON ({@code Records[i]}), the data of the CloudEvent a trigger sees
     * @return what was done
     * @throws NotReadableException when {@code run.json} or the announced {@code status.json} stays unreadable
     * @throws RuntimeException what the controller throws (its run's documents unreadable); a redelivery is handled again
     */
    public Outcome onRecord(S3Record r, byte[] recordJson) {
        Outcome o = route(r, recordJson);
        recent.put(versionKey(r.bucket(), r.key(), r.eTag()), o);
        return o;
    }

    /**
     * What this handler did with an object version it was notified of lately (the newest of its
     * last 2000): what {@code relay upload} reports after its upload.
     *
     * @param eTag the version's ETag (quotes ignored)
     * @return empty when no notification of that version has been handled (yet)
     */
    public Optional<Outcome> outcome(String bucket, String key, String eTag) {
        return Optional.ofNullable(recent.get(versionKey(bucket, key, eTag)));
    }

    private Outcome route(S3Record r, byte[] recordJson) {
        TriggerService t = triggers.get();
        boolean relayBucket = store.bucket().equals(r.bucket());
        boolean owned = relayBucket && OWNED_PREFIXES.stream().anyMatch(p -> r.key().startsWith(p));
        boolean watched = t != null && t.watchesBucket(r.bucket()) && !owned;
        if (!owned && !watched) {
            return relayBucket ? ignored(r, "key is outside runs/, pipelines/ and triggers/ and no trigger watches this bucket")
                    : ignored(r, "bucket '" + r.bucket() + "' is not Relay's (" + store.bucket() + ") and no trigger watches it");
        }
        if (!r.isNewData()) {
            return ignored(r, (owned ? "" : "key is outside runs/, pipelines/ and triggers/, and ") + r.eventType()
                    + " brings no new data");
        }
        return watched ? trigger(t, r, recordJson, relayBucket) : owned(r);
    }

    /** Hands an object record to the triggers that watch its bucket. */
    private Outcome trigger(TriggerService t, S3Record r, byte[] recordJson, boolean relayBucket) {
        TriggerService.Outcome o;
        try {
            o = t.onEvent(S3CloudEvents.toCloudEvent(r, recordJson));
        } catch (TriggerService.TriggerFailure e) {
            LOG.log(System.Logger.Level.WARNING, "trigger for " + r.uri() + " failed: " + e.getMessage());
            return new Outcome(r.bucket(), r.key(), r.eventName(), "failed", e.getMessage(), null);
        } catch (dev.relay.eventing.EventFormatException e) {
            // the record read as a notification (its envelope filled a field in) but not as an event of its own
            LOG.log(System.Logger.Level.WARNING, "trigger for " + r.uri() + ": " + e.getMessage());
            return new Outcome(r.bucket(), r.key(), r.eventName(), "failed", "the record cannot be read as an event: "
                    + e.getMessage(), null);
        }
        if (!o.started().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, r.uri() + " started " + o.started());
            return new Outcome(r.bucket(), r.key(), r.eventName(), "triggered", null, o.started());
        }
        if (!o.debounced().isEmpty()) {
            return new Outcome(r.bucket(), r.key(), r.eventName(), "debounced", "in the open window of " + o.debounced(), null);
        }
        if (!o.repeated().isEmpty()) {
            return ignored(r, "trigger(s) " + o.repeated() + " already fired for this object version");
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        o.reasons().forEach((name, why) -> {
            if (t.triggers().stream().anyMatch(tr -> tr.name().equals(name) && tr instanceof Trigger.UploadTrigger)) {
                reasons.put(name, why);
            }
        });
        return ignored(r, (relayBucket ? "key is outside runs/, pipelines/ and triggers/ and " : "") + "no trigger matched: " + reasons);
    }

    private Outcome owned(S3Record r) {
        Optional<RunLayout.Key> parsed = RunLayout.parse(r.key());
        if (parsed.isEmpty()) {
            if (Generations.markerRun(r.key()).isPresent()) {
                index(r); // a retry's or resume's generation started: the run is Running again
                return new Outcome(r.bucket(), r.key(), r.eventName(), "indexed", null);
            }
            return ignored(r, "no action for this key");
        }
        RunLayout.Key key = parsed.get();
        switch (key.kind()) {
            case RUN_JSON, ATTEMPT_STATUS -> {
                if (!controller.holds(key.runId())) { // run.json never changes: once read, it is readable
                    awaitReadable(RunLayout.runJson(key.runId()));
                }
                if (key.kind() == RunLayout.Kind.ATTEMPT_STATUS) {
                    awaitReadable(r.key());
                }
                controller.onObject(r);
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

    private void index(S3Record r) {
        try {
            index.accept(r);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "index: " + r.key() + ": " + e.getMessage());
        }
    }

    private void awaitReadable(String key) {
        if (!readWait.await(() -> store.exists(key))) {
            throw new NotReadableException("input not readable: " + store.uri(key) + " (still absent after "
                    + readWait.attempts() + " attempts over " + readWait.total().toMillis() + " ms; redeliver later)");
        }
    }

    private static Outcome ignored(S3Record r, String reason) {
        return new Outcome(r.bucket(), r.key(), r.eventName(), "ignored", reason);
    }

    private static String versionKey(String bucket, String key, String eTag) {
        return bucket + "\n" + key + "\n" + (eTag == null ? "" : eTag.replace("\"", ""));
    }

    private static <V> Map<String, V> bounded(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        });
    }
}
