package dev.relay.functions.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.eventing.EventFormatException;
import dev.relay.eventing.input.SafeJson;
import dev.relay.eventing.s3.S3Notifications;
import dev.relay.functions.app.Backend;
import dev.relay.functions.app.Backoff;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.IndexHook;
import dev.relay.functions.app.RelayConfig;
import dev.relay.functions.app.Triggers;
import dev.relay.runner.event.ObjectEventHandler;
import dev.relay.runner.event.ObjectEventHandler.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The body of the {@code artifact} function: the HTTP side of the runner's one object-event path.
 * It reads every record of the event first (so a bad record rejects the whole event and nothing is
 * half-applied: 400, or 415 for a non-JSON media type), then hands each record to the
 * {@link ObjectEventHandler} that {@code relay run} uses too (ownership of buckets and prefixes,
 * trigger routing, readable-object wait, engine advance, dedupe, index), and maps an object that
 * stays unreadable to {@code 503 input not readable: s3://…} so that the Broker redelivers.
 */
@ApplicationScoped
public class ArtifactHandler {
    private static final ObjectMapper MAPPER = SafeJson.mapper();

    private final Backend backend;
    private final IndexHook indexer;
    private final RelayConfig config;
    private final Triggers triggers;
    private volatile ObjectEventHandler events; // built at the first event: the Backend may still be starting

    /** @param backend the runner's pieces; @param indexer the index hook; @param triggers the loaded triggers */
    @Inject
    public ArtifactHandler(Backend backend, IndexHook indexer, RelayConfig config, Triggers triggers) {
        this.backend = backend;
        this.indexer = indexer;
        this.config = config;
        this.triggers = triggers;
    }

    private ObjectEventHandler events() {
        ObjectEventHandler e = events;
        if (e == null) {
            synchronized (this) {
                e = events;
                if (e == null) {
                    e = new ObjectEventHandler(backend.store(), backend.controller(), triggers::service, indexer::onObject,
                            Backoff.readWait(config.readRetry()));
                    events = e;
                }
            }
        }
        return e;
    }

    /**
     * What this app did with an object version it was notified of lately (the newest of its last
     * 2000): what {@code relay upload} reports after its upload.
     *
     * @param eTag the version's ETag (quotes ignored)
     * @return empty when no notification of that version has been handled (yet)
     */
    public Optional<Outcome> outcome(String bucket, String key, String eTag) {
        return events().outcome(bucket, key, eTag);
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
            try {
                out.add(events().onRecord(r.record(), r.json()));
            } catch (ObjectEventHandler.NotReadableException e) {
                throw new HttpError(503, e.getMessage());
            }
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
}
