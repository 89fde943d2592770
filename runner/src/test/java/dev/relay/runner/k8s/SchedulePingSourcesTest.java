package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.schedule.Schedule;
import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A recurring run's PingSource on the CRUD mock API server: its name, cron (offset to the
 * interval's base), data, Broker sink; replaced on change, removed when disabled or deleted; an
 * interval a PingSource cannot keep is refused naming the field.
 */
@EnableKubernetesMockClient(crud = true)
class SchedulePingSourcesTest {
    static final String NS = "relay";
    KubernetesClient client;

    static {
        K8sFixtures.quietMockServer();
    }

    static Schedule schedule(String id, Schedule.Trigger t, boolean enabled) {
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.putObject("pipeline").put("name", "seed");
        return new Schedule(id, "nightly", "", UUID.randomUUID().toString(), run, null, t, 1, false, enabled,
                "2026-12-01T10:22:13.000Z", "2026-12-01T10:22:13.000Z");
    }

    PingSource get(String id) {
        return client.adapt(KnativeClient.class).pingSources().inNamespace(NS).withName(SchedulePingSources.name(id)).get();
    }

    @Test
    void anEnabledScheduleHasOnePingSourceUntilDisabled() {
        SchedulePingSources pings = new SchedulePingSources(client.adapt(KnativeClient.class), NS, "relay");
        String id = UUID.randomUUID().toString();
        pings.apply(schedule(id, new Schedule.Trigger(null, 300L, null, null), true));
        PingSource p = get(id);
        assertEquals("relay-schedule-" + id, p.getMetadata().getName());
        assertEquals(id, p.getMetadata().getLabels().get(SchedulePingSources.LABEL));
        // every 5 minutes from 10:22:13: the pings fall in minutes 23, 28, ... (3-59/5)
        assertEquals("3-59/5 * * * *", p.getSpec().getSchedule());
        assertEquals("UTC", p.getSpec().getTimezone());
        assertEquals("{\"scheduleId\":\"" + id + "\"}", p.getSpec().getData());
        assertEquals("Broker", p.getSpec().getSink().getRef().getKind());
        assertEquals("relay", p.getSpec().getSink().getRef().getName());

        pings.apply(schedule(id, new Schedule.Trigger("0 30 9 * * *", null, null, null), true));
        assertEquals("30 9 * * *", get(id).getSpec().getSchedule(), "replaced in place");
        assertEquals(1, client.adapt(KnativeClient.class).pingSources().inNamespace(NS).list().getItems().size());

        pings.apply(schedule(id, new Schedule.Trigger(null, 7200L, null, null), true));
        assertEquals("23 0-23/2 * * *", get(id).getSpec().getSchedule(), "every 2 h from 10:22:13: at :23 of even hours");

        pings.apply(schedule(id, new Schedule.Trigger(null, 300L, null, null), false));
        assertNull(get(id), "a disabled schedule has no PingSource");
        pings.apply(schedule(id, new Schedule.Trigger(null, 300L, null, null), true));
        pings.delete(id);
        assertNull(get(id));
    }

    @Test
    void intervalsAndCronsAPingSourceCannotKeepAreRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulePingSources.check(new Schedule.Trigger(null, 90L, null, null)));
        assertTrue(e.getMessage().startsWith("trigger.periodic_schedule.interval_second 90"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SchedulePingSources.check(new Schedule.Trigger("*/10 * * * * *", null, null, null)));
        assertTrue(e.getMessage().startsWith("trigger.cron_schedule.cron"), e.getMessage());
        SchedulePingSources.check(new Schedule.Trigger(null, 60L, null, null));
        SchedulePingSources.check(new Schedule.Trigger("0 0 9 ? * 2-6", null, null, null));
    }

    @Test
    void aReconcileGivesEveryEnabledScheduleItsPingSourceAndRemovesTheRest() {
        String ns = "relay-reconcile";
        KnativeClient knative = client.adapt(KnativeClient.class);
        SchedulePingSources pings = new SchedulePingSources(knative, ns, "relay");
        String kept = UUID.randomUUID().toString();
        String fromCli = UUID.randomUUID().toString();
        String disabled = UUID.randomUUID().toString();
        String gone = UUID.randomUUID().toString();
        String odd = UUID.randomUUID().toString();
        pings.apply(schedule(kept, new Schedule.Trigger(null, 300L, null, null), true));
        pings.apply(schedule(disabled, new Schedule.Trigger(null, 60L, null, null), true));
        pings.apply(schedule(gone, new Schedule.Trigger(null, 60L, null, null), true));
        // not Relay's: left alone
        knative.pingSources().inNamespace(ns).resource(new io.fabric8.knative.sources.v1.PingSourceBuilder().withNewMetadata()
                .withName("someone-elses").endMetadata().withNewSpec().withSchedule("* * * * *").endSpec().build()).create();

        SchedulePingSources.Reconciled r = pings.reconcile(java.util.List.of(
                schedule(kept, new Schedule.Trigger(null, 300L, null, null), true),
                schedule(fromCli, new Schedule.Trigger("0 0 6 * * *", null, null, null), true),
                schedule(disabled, new Schedule.Trigger(null, 60L, null, null), false),
                schedule(odd, new Schedule.Trigger(null, 90L, null, null), true)));

        assertEquals(java.util.List.of(fromCli), r.applied(), "the one already right is left alone");
        assertEquals(java.util.Set.of(disabled, gone), java.util.Set.copyOf(r.deleted()));
        assertEquals(1, r.refused().size());
        assertTrue(r.refused().get(0).startsWith(odd + ": ") && r.refused().get(0).contains("interval_second"), r.refused().toString());
        java.util.Set<String> names = new java.util.HashSet<>();
        knative.pingSources().inNamespace(ns).list().getItems().forEach(p -> names.add(p.getMetadata().getName()));
        assertEquals(java.util.Set.of(SchedulePingSources.name(kept), SchedulePingSources.name(fromCli), "someone-elses"), names);
        assertEquals("0 6 * * *", knative.pingSources().inNamespace(ns).withName(SchedulePingSources.name(fromCli)).get()
                .getSpec().getSchedule());
        SchedulePingSources.Reconciled again = pings.reconcile(java.util.List.of(
                schedule(kept, new Schedule.Trigger(null, 300L, null, null), true),
                schedule(fromCli, new Schedule.Trigger("0 0 6 * * *", null, null, null), true)));
        assertEquals(new SchedulePingSources.Reconciled(java.util.List.of(), java.util.List.of(), java.util.List.of()), again,
                "a second reconcile changes nothing");
    }
}
