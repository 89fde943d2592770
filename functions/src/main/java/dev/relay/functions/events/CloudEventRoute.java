package dev.relay.functions.events;

import dev.relay.eventing.input.SafeJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.Replies;
import dev.relay.functions.app.Triggers;
import dev.relay.functions.auth.AuthFilter;
import dev.relay.runner.trigger.TriggerService;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.http.HttpMessageFactory;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /}: where the Broker (and {@code relay server} users) deliver CloudEvents, binary or
 * structured mode. Reads the event with the CloudEvents SDK, picks the function by type
 * ({@link EventTypes}) and calls the same beans the Funqy functions wrap, answering with Relay's
 * codes rather than Funqy's (which answers 404 for an unknown type and 500 for bad data):
 * <ul>
 *   <li>200 with what the function did;</li>
 *   <li>a type that no function but a loaded trigger names ({@link TriggerService#names}): 201
 *       {@code {"runs": {trigger: runId}}} for started runs, 200 when the matching triggers had
 *       fired for this event before, 202 {@code no trigger matched} with each trigger's reason, 422
 *       naming the field when a matching trigger cannot start its run (nothing is written);</li>
 *   <li>400 not a CloudEvent, an unknown type (named), data that cannot be read;</li>
 *   <li>415 a data content type the function does not read;</li>
 *   <li>422 a run request that is invalid (naming the field);</li>
 *   <li>503 an object not yet readable (the Broker redelivers); 500 anything unexpected.</li>
 * </ul>
 * The route is ordered before Funqy's own {@code /} route, so Funqy's stays for the per-function
 * paths only.
 */
@ApplicationScoped
public class CloudEventRoute {
    private static final ObjectMapper MAPPER = SafeJson.mapper();

    private final ArtifactHandler artifacts;
    private final RunStarter runs;
    private final JobStatusFunction jobs;
    private final Triggers triggers;
    /** The sweep ({@code dev.knative.sources.ping} from the {@code relay-sweep} PingSource); null where not injected. */
    @Inject dev.relay.functions.app.RecoverySweeper sweeper;

    /**
     * An answer with a status other than 200.
     *
     * @param status the HTTP status
     * @param body   the JSON body
     */
    public record Answer(int status, Object body) {}

    /** @param artifacts the artifact body; @param runs the run starter; @param jobs the job-status handler; @param triggers the loaded triggers */
    @Inject
    public CloudEventRoute(ArtifactHandler artifacts, RunStarter runs, JobStatusFunction jobs, Triggers triggers) {
        this.artifacts = artifacts;
        this.runs = runs;
        this.jobs = jobs;
        this.triggers = triggers;
    }

    /** The schedule-fire function (the KFP API's recurring runs). */
    @Inject jakarta.enterprise.inject.Instance<ScheduleFire> fires;

    /** Installs the route ahead of Funqy's. */
    void install(@Observes Router router) {
        router.post("/").order(-100).handler(BodyHandler.create().setBodyLimit(16L << 20))
                .blockingHandler(this::handle, false);
        router.route("/").method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.HEAD).order(-100)
                .handler(ctx -> Replies.json(ctx, 200, Map.of("service", "relay", "events", "POST / (CloudEvents, binary or structured mode)",
                        "functions", java.util.List.of(EventTypes.ARTIFACT, EventTypes.RUN_START, EventTypes.JOB_STATUS))));
    }

    void handle(RoutingContext ctx) {
        try {
            Object reply = dispatch(headers(ctx), ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes(),
                    AuthFilter.objectEventsOnly(ctx));
            if (reply instanceof Answer a) {
                Replies.json(ctx, a.status(), a.body());
            } else {
                Replies.json(ctx, 200, reply);
            }
        } catch (HttpError e) {
            Replies.error(ctx, e);
        } catch (RuntimeException e) {
            Replies.unexpected(ctx, "POST /", e);
        }
    }

    /**
     * Reads one CloudEvent from HTTP headers and body and runs its function.
     *
     * @return the function's answer, an {@link Answer} when its status is not 200
     * @throws HttpError for anything the caller got wrong
     */
    public Object dispatch(Map<String, String> headers, byte[] body) {
        return dispatch(headers, body, false);
    }

    /**
     * Like {@link #dispatch(Map, byte[])}, for a sender that may post object events only (it
     * showed the webhook token, {@link AuthFilter#objectEventsOnly}).
     *
     * @throws HttpError 403 for any other type when {@code objectEventsOnly}
     */
    public Object dispatch(Map<String, String> headers, byte[] body, boolean objectEventsOnly) {
        CloudEvent event = read(headers, body);
        String function = EventTypes.functionFor(event.getType());
        if (objectEventsOnly && !EventTypes.ARTIFACT.equals(function)) {
            throw new HttpError(403, "the webhook token (RELAY_WEBHOOK_TOKEN) admits object events only"
                    + " (com.amazonaws.s3.*, dev.knative.kafka.event); '" + event.getType() + "' needs RELAY_API_TOKEN");
        }
        if (function == null && !triggers.service().names(event.getType())) {
            throw HttpError.badRequest("unknown CloudEvent type '" + event.getType() + "': no function and no trigger handles it"
                    + " (Relay handles com.amazonaws.s3.*, dev.knative.kafka.event, dev.relay.run.requested, dev.knative.sources.ping and"
                    + " dev.knative.apiserver.{resource,ref}.{add,update,delete})");
        }
        EventMeta meta = meta(event);
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        checkData(meta, EventTypes.ARTIFACT.equals(function) ? new byte[0] : data); // the artifact function reads its own (not JSON: …)
        if (function == null) {
            return trigger(event);
        }
        return switch (function) {
            case EventTypes.ARTIFACT -> artifacts.handle(meta, data);
            case EventTypes.RUN_START -> runs.startOnce(json(meta, data), meta);
            case EventTypes.SCHEDULE_FIRE -> {
                if (EventTypes.isSweep(data)) {
                    if (sweeper == null) {
                        throw new HttpError(503, "the sweep is not available here", null, java.util.List.of());
                    }
                    Map<String, Object> swept = new LinkedHashMap<>(sweeper.sweep());
                    if (fires.isResolvable()) {
                        swept.put("schedules", fires.get().reconcileSchedules());
                    }
                    yield swept;
                }
                yield fires.get().fire(json(meta, data),
                        event.getTime() == null ? java.time.Instant.now() : event.getTime().toInstant());
            }
            default -> jobs.handle(meta, json(meta, data));
        };
    }

    /** Runs the triggers that name the event's type. */
    private Answer trigger(CloudEvent event) {
        TriggerService.Outcome o;
        try {
            o = triggers.service().onEvent(event);
        } catch (TriggerService.TriggerFailure e) {
            throw new HttpError(422, e.field(), e.getMessage() + " (no run started)", java.util.List.of());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", event.getType());
        out.put("id", event.getId());
        out.put("runs", o.started());
        int status;
        if (!o.started().isEmpty()) {
            status = 201;
            out.put("message", "started " + o.started().size() + " run(s)");
        } else if (!o.debounced().isEmpty()) {
            status = 202;
            out.put("message", "taken into the open debounce window of " + o.debounced());
        } else if (!o.repeated().isEmpty()) {
            status = 200;
            out.put("message", "already handled: trigger(s) " + o.repeated() + " fired for this event before; no new run");
        } else {
            status = 202;
            out.put("message", "no trigger matched");
        }
        if (!o.repeated().isEmpty()) {
            out.put("repeated", o.repeated());
        }
        if (!o.debounced().isEmpty()) {
            out.put("debounced", o.debounced());
        }
        out.put("reasons", o.reasons());
        return new Answer(status, out);
    }

    /**
     * The data rules of every type (docs/events.md "Answers of POST /"): a {@code datacontenttype}
     * that is not JSON is 415; data that does not read as JSON is 400. Checked before any function
     * or trigger sees the event, so nothing of it is applied.
     */
    private static void checkData(EventMeta meta, byte[] data) {
        if (!EventTypes.isJson(meta.dataContentType())) {
            throw new HttpError(415, "unsupported datacontenttype '" + meta.dataContentType() + "' for " + meta.type()
                    + ": Relay reads JSON event data (application/json, text/json or *+json)");
        }
        if (data.length == 0) {
            return;
        }
        try {
            MAPPER.readTree(data);
        } catch (IOException e) {
            throw HttpError.badRequest("event " + meta.id() + " (" + meta.type() + "): data is not JSON: "
                    + dev.relay.eventing.input.SafeJson.describe(e));
        }
    }

    /**
     * The attributes CloudEvents requires to be non-empty ({@code id}, {@code source}, {@code type};
     * the SDK checks only that they are present).
     *
     * @throws HttpError 400 naming the attribute
     */
    private static void checkRequired(CloudEvent e, boolean structured) {
        String[][] required = {{"id", e.getId()}, {"source", e.getSource() == null ? null : e.getSource().toString()},
                {"type", e.getType()}};
        for (String[] a : required) {
            if (a[1] == null || a[1].isEmpty()) {
                throw HttpError.badRequest("not a valid CloudEvent (" + (structured ? "structured" : "binary") + " mode): "
                        + (structured ? "\"" + a[0] + "\"" : "ce-" + a[0]) + " is empty; CloudEvents requires a non-empty " + a[0]);
            }
        }
    }

    /**
     * @return {@code contentType} with its media type in lower case (media types are
     *     case-insensitive, RFC 9110 §8.3.1; the SDK compares them as written), parameters as given
     */
    static String normalizeMediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return semi < 0 ? contentType.strip().toLowerCase(java.util.Locale.ROOT)
                : contentType.substring(0, semi).strip().toLowerCase(java.util.Locale.ROOT) + contentType.substring(semi);
    }

    /**
     * A structured event whose {@code datacontenttype} is a JSON type in another case
     * ({@code Application/JSON}): the same event with the media type in lower case, as the SDK
     * reads {@code data} as JSON only for the lower-case spelling. Anything else is returned as is
     * (the SDK then names what is wrong).
     */
    private static byte[] normalizeDataContentType(byte[] body) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            return body;
        }
        if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.path("datacontenttype").isTextual()) {
            String given = o.get("datacontenttype").asText();
            String lower = normalizeMediaType(given);
            if (!lower.equals(given)) {
                o.put("datacontenttype", lower);
                try {
                    return MAPPER.writeValueAsBytes(o);
                } catch (IOException e) {
                    return body;
                }
            }
        }
        return body;
    }

    private static CloudEvent read(Map<String, String> headers, byte[] body) {
        String contentType = normalizeMediaType(headers.get("content-type"));
        if (contentType != null && !contentType.equals(headers.get("content-type"))) {
            headers = new HashMap<>(headers);
            headers.put("content-type", contentType);
        }
        boolean structured = contentType != null && contentType.toLowerCase().startsWith("application/cloudevents");
        if (!structured && !headers.containsKey("ce-specversion")) {
            throw HttpError.badRequest("not a CloudEvent: binary mode needs ce-specversion, ce-type, ce-source and ce-id"
                    + " headers; structured mode needs Content-Type: application/cloudevents+json"
                    + (contentType == null ? "" : " (got Content-Type: " + contentType + ")")
                    + "; MinIO notifications go to POST /minio/webhook");
        }
        if (contentType != null && contentType.toLowerCase().startsWith("application/cloudevents-batch")) {
            throw new HttpError(415, "batched CloudEvents (application/cloudevents-batch+json) are not supported; send one event per request");
        }
        if (structured) {
            body = normalizeDataContentType(body);
        }
        CloudEvent event;
        try {
            MessageReader reader = HttpMessageFactory.createReader(headers, body);
            event = reader.toEvent();
        } catch (RuntimeException e) {
            throw HttpError.badRequest("not a valid CloudEvent (" + (structured ? "structured" : "binary") + " mode): " + reason(e));
        }
        checkRequired(event, structured);
        return event;
    }

    /** The innermost message of a failure, without exception class names or parser locations. */
    static String reason(Throwable e) {
        String why = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
            if (m != null && !m.isBlank()) {
                why = m;
            }
        }
        return why == null ? "it cannot be read" : dev.relay.eventing.input.ErrorText.plain(why);
    }

    private static JsonNode json(EventMeta meta, byte[] data) {
        if (!EventTypes.isJson(meta.dataContentType())) {
            throw new HttpError(415, "unsupported datacontenttype '" + meta.dataContentType() + "' for " + meta.type()
                    + ": expected application/json");
        }
        if (data.length == 0) {
            throw HttpError.badRequest("event " + meta.id() + " (" + meta.type() + ") has no data");
        }
        try {
            return MAPPER.readTree(data);
        } catch (IOException e) {
            throw HttpError.badRequest("event " + meta.id() + " (" + meta.type() + "): data is not JSON: "
                    + dev.relay.eventing.input.SafeJson.describe(e));
        }
    }

    private static EventMeta meta(CloudEvent e) {
        Map<String, String> ext = new LinkedHashMap<>();
        for (String name : e.getExtensionNames()) {
            Object v = e.getExtension(name);
            ext.put(name, v == null ? null : v.toString());
        }
        return new EventMeta(e.getId(), e.getType(), e.getSource() == null ? null : e.getSource().toString(),
                e.getSubject(), e.getDataContentType(), ext);
    }

    private static Map<String, String> headers(RoutingContext ctx) {
        Map<String, String> out = new HashMap<>();
        ctx.request().headers().forEach(h -> out.putIfAbsent(h.getKey().toLowerCase(), CeHeaders.decode(h.getKey(), h.getValue())));
        out.computeIfPresent("content-type", (k, v) -> normalizeMediaType(v));
        return out;
    }
}
