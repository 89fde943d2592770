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
}
