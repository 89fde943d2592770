package dev.relay.runner.trigger;

import dev.relay.eventing.trigger.MissingValueException;
import dev.relay.eventing.trigger.Trigger;
import dev.relay.eventing.trigger.TriggerEvent;
import dev.relay.eventing.trigger.TriggerMatcher;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.run.RunRequestException;
import dev.relay.runner.run.RunService;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.store.ArtifactStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.eventing.s3.S3Record;
import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts runs from events through the loaded triggers (docs/contracts.md "Triggers"). For each trigger
 * that matches: the registered pipeline is found and the parameters checked first, then the
 * dedupe record {@code triggers/seen/<trigger>/<sha256>} is written if absent (kept in the bucket,
 * so every function instance sees it), then {@code run.json}. A re-delivered or re-announced event
 * starts nothing new; nothing is half-applied by a request that fails its checks. Events are
 * handled one at a time per instance (S3Proxy ignores {@code If-None-Match}; MinIO honours it
 * across instances).
 */
public final class TriggerService implements AutoCloseable {
    /** Prefix of the dedupe records. */
    public static final String SEEN = "triggers/seen/";

    private final ArtifactStore store;
    private final PipelineRegistry registry;
    private final RunService runs;
    private final List<Trigger> triggers;
    private final DebounceWindows windows;

    /** Call {@link #resume()} once after construction to re-arm debounce windows left open. */
    public TriggerService(ArtifactStore store, PipelineRegistry registry, RunService runs, List<Trigger> triggers) {
        this(store, registry, runs, triggers, DebounceWindows.wallClock());
    }

    /** As the public constructor, with the timers that close debounce windows (tests). */
    TriggerService(ArtifactStore store, PipelineRegistry registry, RunService runs, List<Trigger> triggers, DebounceWindows.Timers timers) {
        this.store = store;
        this.registry = registry;
        this.runs = runs;
        this.triggers = List.copyOf(triggers);
        Map<String, Trigger.UploadTrigger> debounced = new LinkedHashMap<>();
        for (Trigger t : triggers) {
            if (t instanceof Trigger.UploadTrigger u && u.debounce() != null) {
                debounced.put(u.name(), u);
            }
        }
        this.windows = new DebounceWindows(store, debounced, this::fire, timers);
    }

    /** Re-arms the timers of debounce windows still open in the bucket (after a restart). */
    public void resume() {
        windows.resume();
    }

    @Override
    public void close() {
        windows.close();
    }

    /** @return the loaded triggers */
    public List<Trigger> triggers() {
        return triggers;
    }

    /** @return true when some trigger reacts to CloudEvents of {@code type} (S3 types: any upload trigger) */
    public boolean names(String type) {
        for (Trigger t : triggers) {
            if (t instanceof Trigger.EventTrigger e ? e.type().equals(type) : type.startsWith("com.amazonaws.s3.")) {
                return true;
            }
        }
        return false;
    }

    /** @return true when an upload trigger watches {@code bucket} (Relay then owns its notifications) */
    public boolean watchesBucket(String bucket) {
        return triggers.stream().anyMatch(t -> t instanceof Trigger.UploadTrigger u && u.bucket().equals(bucket));
    }

    /**
     * What one event did.
     *
     * @param started  runs started now: trigger name → run id
     * @param repeated triggers that matched but had fired for this event before (dedupe)
     * @param reasons  for each trigger that did not match, why
     * @param debounced debounced upload triggers whose open window took the object (the run starts when it closes)
     */
    public record Outcome(Map<String, String> started, List<String> repeated, Map<String, String> reasons,
                          List<String> debounced) {
        /** @return true when some trigger matched (now or before) */
        public boolean matched() {
            return !started.isEmpty() || !repeated.isEmpty() || !debounced.isEmpty();
        }
    }

    /** A trigger matched, but no run could start: an unknown pipeline, a missing or wrong parameter. */
    public static final class TriggerFailure extends Exception {
        private final String field;

        TriggerFailure(String message, String field) {
            super(message);
            this.field = field;
        }

        /** @return the event field a template missed (e.g. {@code data.model}), or null */
        public String field() {
            return field;
        }
    }

    /**
     * Evaluates every trigger against the event. Triggers are checked in full before any run starts.
     *
     * @throws TriggerFailure when a matching trigger cannot start its run (nothing is written)
     */
    public synchronized Outcome onEvent(CloudEvent ce) throws TriggerFailure {
        TriggerEvent event = TriggerEvent.of(ce);
        Map<String, String> reasons = new LinkedHashMap<>();
        List<Planned> planned = new ArrayList<>();
        List<String> repeated = new ArrayList<>();
        List<String> debounced = new ArrayList<>();
        for (Trigger t : triggers) {
            if (t instanceof Trigger.UploadTrigger u && u.debounce() != null) {
                java.util.Optional<String> why = TriggerMatcher.mismatch(u, event);
                if (why.isPresent()) {
                    reasons.put(t.name(), why.get());
                } else {
                    String dedupe = TriggerMatcher.dedupeKey(u, event);
                    if (store.putIfAbsent(SEEN + u.name() + "/" + dedupe, new byte[0])) {
                        windows.add(u, event, dedupe);
                        debounced.add(u.name());
                    } else {
                        repeated.add(u.name());
                    }
                }
                continue;
            }
            TriggerMatcher.Result r;
            try {
                r = TriggerMatcher.match(t, event);
            } catch (MissingValueException e) {
                throw new TriggerFailure("trigger '" + t.name() + "': " + e.getMessage(), e.field());
            }
            if (!r.matched()) {
                reasons.put(t.name(), r.reason());
                continue;
            }
            PipelineRegistry.Entry entry = registry.find(t.pipeline().name(), t.pipeline().version()).orElseThrow(
                    () -> new TriggerFailure("trigger '" + t.name() + "': pipeline '" + t.pipeline().name() + "' version '"
                            + t.pipeline().version() + "' is not registered (relay pipeline upload FILE --name "
                            + t.pipeline().name() + ")", null));
            RunService.Prepared prepared;
            try {
                prepared = RunService.prepare(entry.yaml(), entry.key());
                RunService.checkParameters(prepared.plan(), r.parameters());
            } catch (SpecException e) {
                throw new TriggerFailure("trigger '" + t.name() + "': registered pipeline " + entry.key() + " is invalid: " + e.getMessage(), null);
            } catch (RunRequestException e) {
                throw new TriggerFailure("trigger '" + t.name() + "': " + e.getMessage(), null);
            }
            planned.add(new Planned(t, r.parameters(), entry, prepared));
        }
        Map<String, String> started = new LinkedHashMap<>();
        for (Planned p : planned) {
            String runId = runs.newRunId();
            String seenKey = SEEN + p.trigger.name() + "/" + TriggerMatcher.dedupeKey(p.trigger, event);
            Map<String, String> record = new LinkedHashMap<>();
            record.put("runId", runId);
            record.put("eventId", event.id());
            record.put("eventSource", event.source());
            if (!store.putIfAbsent(seenKey, Json.bytes(record))) {
                repeated.add(p.trigger.name());
                continue;
            }
            try {
                runs.submitLiteral(runId, p.prepared, p.parameters, references(p.trigger), cause(p.trigger, event),
                        new RunDoc.PipelineRef(p.entry.name(), p.entry.version(), p.entry.key()));
            } catch (RunRequestException e) {
                throw new TriggerFailure("trigger '" + p.trigger.name() + "': " + e.getMessage(), null);
            }
            started.put(p.trigger.name(), runId);
        }
        return new Outcome(started, repeated, reasons, debounced);
    }

    /** A debounce window closed: start one run for all its objects ({@code objects.uris}). */
    private void fire(Trigger.UploadTrigger t, DebounceWindows.Window w) {
        JsonNode f = w.first();
        JsonNode o = f.get("object");
        S3Record first = new S3Record(o.path("eventName").asText(), o.path("bucket").asText(), o.path("key").asText(),
                o.has("size") ? o.get("size").asLong() : null, text(o, "eTag"), text(o, "versionId"), text(o, "sequencer"),
                null, null, null, null, null, null, Map.of());
        TriggerEvent event = new TriggerEvent(text(f, "id"), text(f, "source"), text(f, "type"), text(f, "subject"),
                text(f, "time"), null, first);
        String uris = DebounceWindows.urisJson(w.uris());
        try {
            Map<String, String> params = TriggerMatcher.parameters(t, v -> v.equals("objects.uris")
                    ? java.util.Optional.of(uris) : event.variable(v));
            PipelineRegistry.Entry entry = registry.find(t.pipeline().name(), t.pipeline().version()).orElseThrow(
                    () -> new TriggerFailure("pipeline '" + t.pipeline().name() + "' is not registered", null));
            RunService.Prepared prepared = RunService.prepare(entry.yaml(), entry.key());
            RunDoc.Cause base = cause(t, event);
            runs.submitLiteral(runs.newRunId(), prepared, params, references(t),
                    new RunDoc.Cause(base.kind(), base.trigger(), base.event(), base.object(), w.uris().size()),
                    new RunDoc.PipelineRef(entry.name(), entry.version(), entry.key()));
        } catch (MissingValueException | TriggerFailure | SpecException | RunRequestException e) {
            System.err.println("relay: trigger '" + t.name() + "' could not start the run of debounce window " + w.id()
                    + " (" + w.uris().size() + " objects): " + e.getMessage());
        }
    }

    /** A parameter template that is exactly {@code {{ object.uri }}}. */
    private static final java.util.regex.Pattern OBJECT_URI = java.util.regex.Pattern.compile("\\{\\{\\s*object\\.uri\\s*}}");

    /**
     * The parameters of {@code t} that are artifact references: an upload trigger's parameters whose
     * template is exactly {@code {{ object.uri }}} (the object that fired it, which the trigger
     * watches). Every other rendered value, and every event trigger's, is literal text.
     */
    public static java.util.Set<String> references(Trigger t) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        if (t instanceof Trigger.UploadTrigger) {
            t.parameters().forEach((name, template) -> {
                if (template != null && OBJECT_URI.matcher(template.strip()).matches()) {
                    out.add(name);
                }
            });
        }
        return out;
    }

    /**
     * @return whether a loaded upload trigger watches the object {@code bucket}/{@code key} (its
     *     bucket, prefix, suffix and glob; Relay owns what a trigger names)
     */
    public boolean watchesObject(String bucket, String key) {
        return triggers.stream().anyMatch(t -> t instanceof Trigger.UploadTrigger u
                && TriggerMatcher.objectMismatch(u, bucket, key).isEmpty());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static RunDoc.Cause cause(Trigger t, TriggerEvent e) {
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("id", e.id());
        ev.put("source", e.source());
        ev.put("type", e.type());
        Map<String, String> obj = null;
        if (e.object() != null) {
            obj = new LinkedHashMap<>();
            obj.put("bucket", e.object().bucket());
            obj.put("key", e.object().key());
            obj.put("eTag", e.object().eTag());
            obj.put("versionId", e.object().versionId());
        }
        return new RunDoc.Cause(t instanceof Trigger.UploadTrigger ? "upload-trigger" : "event-trigger", t.name(), ev, obj);
    }

    private record Planned(Trigger trigger, Map<String, String> parameters, PipelineRegistry.Entry entry,
                           RunService.Prepared prepared) {}
}
