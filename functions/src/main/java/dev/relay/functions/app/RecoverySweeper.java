package dev.relay.functions.app;

import dev.relay.runner.recovery.Sweep;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The sweep of crash recovery ({@link Sweep}) in the server: right after start (the start-time
 * reconcile: runs left Running by a dead {@code relay run} or server are advanced or failed, their
 * orphan process groups ended) and then every minute ({@code relay.sweep-interval}, default
 * {@code 60s}). In the cluster profile the scheduler is off and the {@code relay-sweep}
 * PingSource's event ({@code dev.knative.sources.ping}) calls {@link #sweep} through the root route.
 */
@ApplicationScoped
public class RecoverySweeper {
    private static final Logger LOG = Logger.getLogger(RecoverySweeper.class);

    @Inject Backend backend;

    @Scheduled(every = "${relay.sweep-interval:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf("sweep: %s", e.getMessage());
        }
    }

    /**
     * Sweeps every unfinished run once.
     *
     * @return {@code {"runs", "lost", "killed", "errors"}}: runs looked at, attempts written Lost
     *     (or StoreUnavailable), orphan process groups ended, one line per run that failed
     */
    public Map<String, Object> sweep() {
        Sweep.Report r = backend.recovery().sweep().sweep();
        if (r.lost() > 0 || r.killed() > 0 || !r.errors().isEmpty()) {
            LOG.infof("sweep: %d unfinished run(s), %d attempt(s) lost, %d orphan group(s) ended%s", r.runs(), r.lost(),
                    r.killed(), r.errors().isEmpty() ? "" : "; " + String.join("; ", r.errors()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", r.runs());
        out.put("lost", r.lost());
        out.put("killed", r.killed());
        out.put("errors", r.errors());
        return out;
    }
}
