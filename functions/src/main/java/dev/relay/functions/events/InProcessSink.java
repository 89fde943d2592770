package dev.relay.functions.events;

import dev.relay.functions.app.Backoff;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.NotificationSink;
import dev.relay.functions.app.RelayConfig;
import io.quarkus.arc.DefaultBean;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The embedded profile's event transport: each notification of the embedded store goes, in order
 * on one thread, to the {@code artifact} function in this process (the stand-in for MinIO → Kafka
 * → bridge → Broker). A 503 (object not yet readable) is retried with the delivery backoff.
 */
@ApplicationScoped
@DefaultBean
public class InProcessSink implements NotificationSink {
    private static final Logger LOG = Logger.getLogger(InProcessSink.class);

    private final ArtifactHandler artifacts;
    private final RelayConfig config;
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "relay-events");
        t.setDaemon(true);
        return t;
    });

    /** @param artifacts the artifact function's body */
    @Inject
    public InProcessSink(ArtifactHandler artifacts, RelayConfig config) {
        this.artifacts = artifacts;
        this.config = config;
    }

    /**
     * Queues a notification. Once the app is stopping (this sink closed) it is dropped, not
     * refused: the object is written, and the sweep at the next start drives its run (a refusal
     * would fail the write of an execution still finishing).
     */
    @Override
    public void accept(byte[] envelope) {
        try {
            events.execute(() -> deliver(envelope));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debugf("stopping: a notification is left to the next start's sweep");
        }
    }

    private void deliver(byte[] envelope) {
        boolean ok = Backoff.retry(config.deliveryRetry(), () -> {
            try {
                artifacts.handleEntries(null, ArtifactHandler.parseEntries(envelope));
                return true;
            } catch (HttpError e) {
                if (e.status() < 500) {
                    LOG.warnf("ignored a notification: %s", e.getMessage());
                    return true;
                }
                LOG.debugf("notification not handled yet: %s", e.getMessage());
                return false;
            } catch (RuntimeException e) {
                LOG.errorf("notification failed: %s", e.toString());
                return false;
            }
        });
        if (!ok) {
            LOG.errorf("gave up on a notification after %d attempts", config.deliveryRetry().attempts());
        }
    }

    @PreDestroy
    void close() {
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
