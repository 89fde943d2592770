package dev.relay.functions.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The schedule-fire function: a recurring run's ping ({@code dev.knative.sources.ping} from its
 * PingSource, data {@code {"scheduleId": ID}}) fires the schedule's due runs. Implemented by the KFP
 * API's service (recurring runs are KFP's), looked up here so that events need not depend on it.
 */
public interface ScheduleFire {
    /**
     * Fires what is due of the schedule at {@code at}.
     *
     * @param data the event's data
     * @param at   the ping's time (the event's {@code time}), or now when it has none
     * @return the answer document ({@code {"scheduleId", "fired": [...]}})
     * @throws dev.relay.functions.app.HttpError 400 for data without a schedule id, 404 for an unknown schedule
     */
    Object fire(JsonNode data, Instant at);

    /**
     * Brings the cluster's schedule PingSources in line with the bucket's schedules, on every
     * sweep ping: a schedule written without the API (the CLI's {@code relay schedules create})
     * gets its PingSource, a disabled or deleted one loses it. Nothing outside the cluster.
     *
     * @return what was done ({@code {"applied", "deleted", "refused"}}), or an empty map
     */
    default java.util.Map<String, Object> reconcileSchedules() {
        return java.util.Map.of();
    }
}
