package dev.relay.runner.schedule;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code schedules/<scheduleId>.json}: a recurring run (docs/contracts.md "Object layout").
 *
 * @param scheduleId     a UUID (KFP's {@code recurring_run_id})
 * @param experimentId   the experiment its runs join
 * @param run            the Run request each firing starts (docs/contracts.md "Run request":
 *                       {@code {"pipeline": {...}, "parameters": {...}}})
 * @param kfp            the pipeline fields as KFP's API was given them ({@code pipeline_version_reference},
 *                       {@code pipeline_spec}, {@code runtime_config}), echoed back; null otherwise
 * @param maxConcurrency at most this many of its runs unfinished at once (1-10); a fire time
 *                       reached at the limit is skipped
 * @param noCatchup      true: after a pause only the newest missed fire time runs
 * @param enabled        false: fires nothing until enabled
 */
public record Schedule(String scheduleId, String displayName, String description, String experimentId,
                       JsonNode run, JsonNode kfp, Trigger trigger, int maxConcurrency, boolean noCatchup,
                       boolean enabled, String createdAt, String updatedAt) {

    /**
     * Exactly one of {@code cron} and {@code intervalSeconds}.
     *
     * @param cron            6 fields (seconds first, robfig/cron as KFP) or 5 (Unix); UTC
     * @param intervalSeconds seconds between fire times, ≥ 1
     * @param startTime       RFC 3339, or null: from creation
     * @param endTime         RFC 3339, or null: forever
     */
    public record Trigger(String cron, Long intervalSeconds, String startTime, String endTime) {}

    /** @return this schedule enabled or disabled at {@code now} */
    public Schedule withEnabled(boolean on, String now) {
        return new Schedule(scheduleId, displayName, description, experimentId, run, kfp, trigger, maxConcurrency,
                noCatchup, on, createdAt, now);
    }
}
