package dev.relay.functions.app;

import dev.relay.eventing.trigger.Trigger;
import dev.relay.eventing.trigger.TriggerException;
import dev.relay.eventing.trigger.TriggerLoader;
import dev.relay.runner.trigger.TriggerService;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The loaded triggers ({@link TriggerService}): every {@code *.yaml}/{@code *.yml} of
 * {@code relay.triggers-dir} ({@code RELAY_TRIGGERS_DIR}; default {@code ./triggers}, which may be
 * absent). An invalid trigger file stops the start with its {@code FILE:LINE:COL} errors; a folder
 * named explicitly must exist. Debounce windows left open are resumed after start.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup
public class Triggers {
    private static final Logger LOG = Logger.getLogger(Triggers.class);

    private final TriggerService service;

    /**
     * Loads the triggers.
     *
     * @throws ConfigurationException listing every error of every trigger file
     */
    @Inject
    public Triggers(Backend backend, RelayConfig config) {
        Path dir = Path.of(config.triggersDir().orElse("triggers"));
        if (config.triggersDir().isPresent() && !Files.isDirectory(dir)) {
            throw new ConfigurationException("relay.triggers-dir (RELAY_TRIGGERS_DIR): " + dir.toAbsolutePath()
                    + " is not a folder");
        }
        try {
            this.service = new TriggerService(backend.store(), backend.registry(), backend.runs(), TriggerLoader.loadAll(dir));
        } catch (TriggerException e) {
            throw new ConfigurationException("relay refuses to start: invalid triggers in " + dir + ":\n  "
                    + String.join("\n  ", e.errors()));
        }
        if (!service.triggers().isEmpty()) {
            LOG.infof("relay: %d trigger(s) from %s: %s", service.triggers().size(), dir,
                    String.join(", ", service.triggers().stream().map(t -> t.name()).toList()));
        }
    }

    /**
     * Re-arms open debounce windows at start-up. Without a debounced upload trigger no window can be
     * re-armed, so the bucket is not listed for them (one S3 round trip, and in the cluster the
     * first use of the S3 client, off the start-up).
     */
    void start(@Observes StartupEvent event) {
        if (service.triggers().stream().anyMatch(t -> t instanceof Trigger.UploadTrigger u && u.debounce() != null)) {
            service.resume();
        }
    }

    /** @return the trigger service */
    public TriggerService service() {
        return service;
    }

    /** Stops the debounce timers. */
    @PreDestroy
    void close() {
        service.close();
    }
}
