package dev.relay.functions.bridge;

import dev.relay.eventing.EventFormatException;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.eventing.s3.S3Notifications;
import dev.relay.functions.app.Backoff;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.RelayConfig;
import dev.relay.functions.events.ArtifactHandler;
import io.cloudevents.CloudEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The bridge (docs/architecture.md §5), active in the {@code bridge} profile: consumes MinIO's Kafka
 * notification target ({@code relay-minio-events}), turns each record into its S3-adapter
 * CloudEvent and sends it to the Broker ({@code K_SINK}, HTTP binary mode); with no sink it calls
 * the {@code artifact} function's body directly.
 *
 * <p>At-least-once: a message is acknowledged (its offset committed, in order) only after the
 * sink answered 2xx for every record, or the handler finished. Transient failures (sink down or
 * 5xx, object not yet readable) are retried with bounded backoff; then, like a message that cannot
 * be read at all, the message is nacked, which sends it to the dead-letter topic
 * {@code relay-minio-events-dlq} with the error in its {@code dead-letter-reason} header.
 */
@ApplicationScoped
public class MinioBridge {
    /** The channel name in {@code application.properties}. */
    public static final String CHANNEL = "minio-events";

    private static final Logger LOG = Logger.getLogger(MinioBridge.class);

    private final ArtifactHandler artifacts;
    private final RelayConfig config;
    private final SinkSender sender;

    /** @param artifacts the direct path; @param config the sink and the delivery backoff */
    @Inject
    public MinioBridge(ArtifactHandler artifacts, RelayConfig config) {
        this.artifacts = artifacts;
        this.config = config;
        this.sender = config.sink().filter(s -> !s.isBlank()).map(s -> new SinkSender(URI.create(s))).orElse(null);
    }

    /** Handles one Kafka message (a MinIO notification envelope). */
    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> consume(Message<byte[]> message) {
        try {
            deliver(message.getPayload());
            return message.ack();
        } catch (RuntimeException e) {
            LOG.warnf("bridge: message dead-lettered: %s", e.getMessage());
            return message.nack(e);
        }
    }

    /**
     * Delivers one envelope: to the sink (every record's CloudEvent) or to the handler.
     *
     * @throws BridgeException naming why it could not be delivered
     */
    public void deliver(byte[] envelope) {
        if (envelope == null || envelope.length == 0) {
            throw new BridgeException("empty message: expected a MinIO notification");
        }
        if (sender == null) {
            direct(envelope);
            return;
        }
        List<CloudEvent> events;
        try {
            events = S3CloudEvents.toCloudEvents(envelope);
        } catch (EventFormatException e) {
            throw new BridgeException(e.getMessage());
        }
        List<CloudEvent> pending = new ArrayList<>(events);
        String[] last = new String[1];
        boolean ok = Backoff.retry(config.deliveryRetry(), () -> {
            while (!pending.isEmpty()) {
                CloudEvent e = pending.get(0);
                try {
                    int status = sender.send(e);
                    if (status / 100 != 2) {
                        last[0] = "sink " + sender.sink() + " answered " + status + " for event " + e.getId();
                        if (status / 100 == 4 && status != 404 && status != 408 && status != 429) {
                            throw new BridgeException(last[0]);
                        }
                        return false;
                    }
                } catch (IOException ex) {
                    last[0] = "sink " + sender.sink() + " unreachable: " + ex.getMessage();
                    return false;
                }
                pending.remove(0);
            }
            return true;
        });
        if (!ok) {
            throw new BridgeException(last[0] + " (after " + config.deliveryRetry().attempts() + " attempts)");
        }
    }

    private void direct(byte[] envelope) {
        List<S3Notifications.Entry> records;
        try {
            records = S3Notifications.parseEntries(envelope);
        } catch (EventFormatException e) {
            throw new BridgeException(e.getMessage());
        }
        String[] last = new String[1];
        boolean ok = Backoff.retry(config.deliveryRetry(), () -> {
            try {
                artifacts.handleEntries(null, records);
                return true;
            } catch (HttpError e) {
                if (e.status() < 500) {
                    throw new BridgeException(e.getMessage());
                }
                last[0] = e.getMessage();
                return false;
            }
        });
        if (!ok) {
            throw new BridgeException(last[0] + " (after " + config.deliveryRetry().attempts() + " attempts)");
        }
    }

    /** A message the bridge could not deliver; its message becomes the dead-letter reason. */
    public static final class BridgeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message why */
        public BridgeException(String message) {
            super(message, null, false, false);
        }
    }
}
