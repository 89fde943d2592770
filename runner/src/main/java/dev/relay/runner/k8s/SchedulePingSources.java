package dev.relay.runner.k8s;

import dev.relay.runner.contract.Json;
import dev.relay.runner.schedule.Schedule;
import dev.relay.runner.schedule.ScheduleTimes;
import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1.PingSourceBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One Knative {@code PingSource} per enabled recurring run (schedule), so that in the cluster
 * nothing runs between firings: {@code relay-schedule-<scheduleId>} in the app's namespace, cron
 * from {@link ScheduleTimes#pingSchedule} (UTC), data {@code {"scheduleId": ID}}, sink the
 * {@code relay} Broker (a Knative Trigger on {@link #PING_TYPE} takes it to the functions). The
 * fire handler ({@code Schedules.advance}) decides what is due and enforces {@code max_concurrency}
 * and {@code no_catchup}. A disabled or deleted schedule has no PingSource.
 */
public final class SchedulePingSources {
    /** The CloudEvent type every PingSource sends. */
    public static final String PING_TYPE = "dev.knative.sources.ping";
    /** Label holding the schedule id on its PingSource. */
    public static final String LABEL = "relay.dev/schedule";

    private final KnativeClient client;
    private final String namespace;
    private final String broker;

    /**
     * @param namespace where the PingSources live (the app's)
     * @param broker    the Broker they send to ({@code relay})
     */
    public SchedulePingSources(KnativeClient client, String namespace, String broker) {
        this.client = client;
        this.namespace = namespace;
        this.broker = broker;
    }

    /** @return {@code relay-schedule-<id>} (a UUID keeps it within 63 characters) */
    public static String name(String scheduleId) {
        return "relay-schedule-" + scheduleId;
    }

    /**
     * Checks that a trigger can be a PingSource schedule.
     *
     * @throws IllegalArgumentException naming the trigger field and what the cluster accepts
     */
    public static void check(Schedule.Trigger t) {
        ScheduleTimes.pingSchedule(t, Instant.EPOCH);
    }

    /**
     * @return the PingSource of an enabled schedule
     * @throws IllegalArgumentException when its trigger cannot be a PingSource schedule
     */
    public PingSource render(Schedule s) {
        Schedule.Trigger t = s.trigger();
        Instant base = t.startTime() != null ? Instant.parse(t.startTime()) : Instant.parse(s.createdAt());
        return new PingSourceBuilder()
                .withNewMetadata().withName(name(s.scheduleId())).withNamespace(namespace)
                    .withLabels(Map.of("app.kubernetes.io/part-of", "relay", LABEL, s.scheduleId()))
                    .withAnnotations(Map.of("relay.dev/schedule-name", s.displayName()))
                .endMetadata()
                .withNewSpec()
                    .withSchedule(ScheduleTimes.pingSchedule(t, base))
                    .withTimezone("UTC")
                    .withContentType("application/json")
                    .withData(new String(Json.bytes(Map.of("scheduleId", s.scheduleId())), java.nio.charset.StandardCharsets.UTF_8))
                    .withNewSink().withNewRef().withApiVersion("eventing.knative.dev/v1").withKind("Broker").withName(broker)
                    .endRef().endSink()
                .endSpec()
                .build();
    }

    /** Creates or replaces the schedule's PingSource when it is enabled; removes it when disabled. */
    public void apply(Schedule s) {
        if (!s.enabled()) {
            delete(s.scheduleId());
            return;
        }
        client.pingSources().inNamespace(namespace).resource(render(s))
                .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }

    /** Removes the schedule's PingSource, if any. */
    public void delete(String scheduleId) {
        client.pingSources().inNamespace(namespace).withName(name(scheduleId)).delete();
    }

    /**
     * What a reconcile did.
     *
     * @param applied  schedules whose PingSource was created or changed
     * @param deleted  PingSources removed (their schedule is disabled or gone)
     * @param refused  one line per enabled schedule whose trigger a PingSource cannot keep
     */
    public record Reconciled(List<String> applied, List<String> deleted, List<String> refused) {}

    /**
     * Makes the namespace's PingSources match the bucket's schedules: one per enabled schedule (as
     * {@link #apply} renders it; one already equal is left alone), none for a disabled or deleted
     * one (found by {@link #LABEL}). This is how a schedule written without the API (the CLI's
     * {@code relay schedules create}, a restored bucket) gets its PingSource: the app runs it on
     * every sweep ping.
     *
     * @param schedules every schedule of the bucket
     */
    public Reconciled reconcile(Collection<Schedule> schedules) {
        Map<String, PingSource> existing = new HashMap<>();
        for (PingSource p : client.pingSources().inNamespace(namespace).withLabel(LABEL).list().getItems()) {
            existing.put(p.getMetadata().getLabels().get(LABEL), p);
        }
        List<String> applied = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Set<String> wanted = new HashSet<>();
        for (Schedule s : schedules) {
            if (!s.enabled()) {
                continue;
            }
            PingSource want;
            try {
                want = render(s);
            } catch (IllegalArgumentException e) {
                refused.add(s.scheduleId() + ": " + e.getMessage());
                continue;
            }
            wanted.add(s.scheduleId());
            PingSource have = existing.get(s.scheduleId());
            if (have == null || !Objects.equals(have.getSpec(), want.getSpec())) {
                client.pingSources().inNamespace(namespace).resource(want)
                        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
                applied.add(s.scheduleId());
            }
        }
        for (Map.Entry<String, PingSource> e : existing.entrySet()) {
            if (!wanted.contains(e.getKey())) {
                client.pingSources().inNamespace(namespace).withName(e.getValue().getMetadata().getName()).delete();
                deleted.add(e.getKey());
            }
        }
        return new Reconciled(applied, deleted, refused);
    }
}
