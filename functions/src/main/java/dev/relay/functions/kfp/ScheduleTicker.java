package dev.relay.functions.kfp;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * {@code relay server}'s scheduler (Quarkus scheduler): every second, fires the recurring runs that
 * are due ({@code Schedules.tick}). Off in the cluster and bridge profiles
 * ({@code quarkus.scheduler.enabled=false}), where a PingSource per schedule sends the fire event.
 */
@ApplicationScoped
public class ScheduleTicker {
    private static final Logger LOG = Logger.getLogger(ScheduleTicker.class);

    @Inject KfpService kfp;

    @Scheduled(every = "${relay.schedule-tick:1s}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            kfp.schedules().tick(Instant.now(), kfp.scheduleStarter());
        } catch (RuntimeException e) {
            LOG.warnf("schedules: %s", e.getMessage());
        }
    }
}
