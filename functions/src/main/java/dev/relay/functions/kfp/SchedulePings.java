package dev.relay.functions.kfp;

import dev.relay.functions.app.KubernetesClients;
import dev.relay.runner.k8s.SchedulePingSources;
import dev.relay.runner.schedule.Schedule;
import io.fabric8.knative.client.KnativeClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where recurring runs are fired from: {@code relay.schedule-source=scheduler} (embedded: the
 * in-process {@link ScheduleTicker}) or {@code pingsource} (cluster: one Knative PingSource per
 * enabled schedule, {@link SchedulePingSources}, in {@code relay.namespace} or the client's
 * namespace, sending to the Broker {@code relay.broker}). In the cluster a trigger a PingSource
 * cannot keep is refused before anything is stored.
 */
@ApplicationScoped
public class SchedulePings {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SchedulePings.class);
    @Inject KubernetesClients clients;

    @ConfigProperty(name = "relay.schedule-source", defaultValue = "scheduler") String source;
    @ConfigProperty(name = "relay.namespace") Optional<String> namespace;
    @ConfigProperty(name = "relay.broker", defaultValue = "relay") String broker;

    /** @return true in the cluster, where PingSources fire schedules */
    public boolean pingSources() {
        return "pingsource".equals(source);
    }

    /**
     * @throws KfpException 400 naming the trigger field when the cluster cannot fire it
     */
    public void check(Schedule.Trigger t) {
        if (pingSources()) {
            try {
                SchedulePingSources.check(t);
            } catch (IllegalArgumentException e) {
                throw KfpException.invalid(e.getMessage());
            }
        }
    }

    /** Creates, replaces or (disabled) removes the schedule's PingSource; nothing outside the cluster. */
    public void apply(Schedule s) {
        if (pingSources()) {
            try {
                sources().apply(s);
            } catch (IllegalArgumentException e) {
                throw KfpException.invalid(e.getMessage());
            } catch (RuntimeException e) {
                throw new KfpException(503, KfpException.UNAVAILABLE, "recurring_run_id: the schedule is stored but its"
                        + " PingSource could not be written (" + e.getMessage() + "); enable it again to retry");
            }
        }
    }

    /** Removes the schedule's PingSource; nothing outside the cluster. */
    public void delete(String scheduleId) {
        if (pingSources()) {
            sources().delete(scheduleId);
        }
    }

    /**
     * Makes the PingSources match {@code all} (every schedule of the bucket); nothing outside the
     * cluster. Failures are answered, not thrown: the sweep that calls this goes on.
     *
     * @return {@code {"applied", "deleted", "refused"}} (schedule ids; refusals with their reason),
     *     {@code {"error"}} when the API server could not be asked, or empty outside the cluster
     */
    public java.util.Map<String, Object> reconcile(java.util.List<Schedule> all) {
        if (!pingSources()) {
            return java.util.Map.of();
        }
        try {
            SchedulePingSources.Reconciled r = sources().reconcile(all);
            if (!r.refused().isEmpty()) {
                LOG.warnf("schedules: no PingSource for %s", String.join("; ", r.refused()));
            }
            return java.util.Map.of("applied", r.applied(), "deleted", r.deleted(), "refused", r.refused());
        } catch (RuntimeException e) {
            LOG.warnf("schedules: the PingSources could not be reconciled: %s", e.getMessage());
            return java.util.Map.of("error", "the PingSources could not be reconciled: " + e.getMessage());
        }
    }

    private SchedulePingSources sources() {
        KnativeClient k = clients.client().adapt(KnativeClient.class);
        return new SchedulePingSources(k, namespace.filter(n -> !n.isBlank()).orElse(clients.client().getNamespace()), broker);
    }
}
