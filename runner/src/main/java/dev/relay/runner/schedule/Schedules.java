package dev.relay.runner.schedule;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Recurring runs in the bucket: {@code schedules/<id>.json} (the {@link Schedule}),
 * {@code schedules/<id>/last.json} (the newest fire time handled) and
 * {@code schedules/<id>/fired/<epoch millis>.json} (one per fire time, written with
 * {@code putIfAbsent} before its run starts, so two schedulers start one run:
 * {@code {"fireTime","runId","skipped"}}). Firing is driven from outside: {@code relay server}'s
 * scheduler calls {@link #tick} every second; in the cluster a PingSource's event calls
 * {@link #advance} for its schedule. Both honour {@code maxConcurrency} and {@code noCatchup}.
 */
public final class Schedules {
    /** Prefix of every object of this service. */
    public static final String PREFIX = "schedules/";

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Starts the run of one fire time. */
    public interface Starter {
        /**
         * @return the run id started
         * @throws RuntimeException with a message saying why no run could start
         */
        String start(Schedule schedule, Instant fireTime);
    }

    /** {@code schedules/<id>/fired/<millis>.json}. @param skipped why no run started, or null */
    public record Fired(String fireTime, String runId, String skipped) {}

    private record Last(String fireTime) {}

    private final ArtifactStore store;
    private final Clock clock;
    private final Set<String> finished = ConcurrentHashMap.newKeySet();

    /** @param clock dates creations and updates */
    public Schedules(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Validates and stores a new schedule; its id, times and (when 0) {@code maxConcurrency} 1 are set here.
     *
     * @throws IllegalArgumentException naming the field ({@code trigger}, {@code max_concurrency}, ...)
     */
    public Schedule create(Schedule draft) {
        check(draft);
        String now = Times.format(clock.instant());
        Schedule s = new Schedule(UUID.randomUUID().toString(), draft.displayName(), draft.description(),
                draft.experimentId(), draft.run(), draft.kfp(), draft.trigger(),
                draft.maxConcurrency() == 0 ? 1 : draft.maxConcurrency(), draft.noCatchup(), draft.enabled(), now, now);
        store.put(key(s.scheduleId()), Json.bytes(s));
        return s;
    }

    /** @throws IllegalArgumentException naming the field that is wrong */
    public static void check(Schedule s) {
        if (s.displayName() == null || s.displayName().isBlank()) {
            throw new IllegalArgumentException("display_name: a recurring run needs a non-empty display name");
        }
        Schedule.Trigger t = s.trigger();
        if (t == null || (t.cron() == null) == (t.intervalSeconds() == null)) {
            throw new IllegalArgumentException("trigger: give exactly one of cron_schedule.cron and periodic_schedule.interval_second");
        }
        if (t.intervalSeconds() != null && t.intervalSeconds() < 1) {
            throw new IllegalArgumentException("trigger.periodic_schedule.interval_second must be at least 1, got " + t.intervalSeconds());
        }
        if (t.cron() != null) {
            ScheduleTimes.cron(t.cron());
        }
        for (String time : new String[] {t.startTime(), t.endTime()}) {
            if (time != null) {
                try {
                    Instant.parse(time);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("trigger: start_time/end_time '" + time + "' is not an RFC 3339 time");
                }
            }
        }
        if (s.maxConcurrency() < 0 || s.maxConcurrency() > 10) {
            throw new IllegalArgumentException("max_concurrency must be between 1 and 10, got " + s.maxConcurrency());
        }
        if (s.run() == null || !s.run().isObject()) {
            throw new IllegalArgumentException("pipeline: a recurring run needs a pipeline to run");
        }
    }

    /** @return the schedule, or empty (also for an id that is not a UUID) */
    public Optional<Schedule> get(String id) {
        if (id == null || !UUID_TEXT.matcher(id).matches()) {
            return Optional.empty();
        }
        return store.get(key(id)).map(b -> Json.read(b, Schedule.class, key(id)));
    }

    /** @return every schedule, oldest first */
    public List<Schedule> list() {
        List<Schedule> out = new ArrayList<>();
        for (String k : store.list(PREFIX, false)) {
            if (k.endsWith(".json")) {
                store.get(k).ifPresent(b -> out.add(Json.read(b, Schedule.class, k)));
            }
        }
        out.sort(Comparator.comparing(Schedule::createdAt).thenComparing(Schedule::scheduleId));
        return out;
    }

    /**
     * Enables or disables a schedule. Enabling counts fire times from now on when
     * {@code noCatchup}; otherwise missed fire times are caught up (at most {@link ScheduleTimes#MAX_CATCHUP}).
     *
     * @return the updated schedule, or empty when there is none
     */
    public Optional<Schedule> setEnabled(String id, boolean on) {
        Optional<Schedule> s = get(id);
        if (s.isEmpty()) {
            return s;
        }
        Schedule updated = s.get().withEnabled(on, Times.format(clock.instant()));
        store.put(key(id), Json.bytes(updated));
        return Optional.of(updated);
    }

    /** Removes a schedule and its firing records; its runs stay. @return false when there was none */
    public boolean delete(String id) {
        if (get(id).isEmpty()) {
            return false;
        }
        store.delete(key(id));
        for (String k : store.list(PREFIX + id + "/", true)) {
            store.delete(k);
        }
        return true;
    }

    /** @return the firing records of a schedule, oldest first */
    public List<Fired> fired(String id) {
        List<Fired> out = new ArrayList<>();
        for (String k : store.list(PREFIX + id + "/fired/", true)) {
            store.get(k).ifPresent(b -> out.add(Json.read(b, Fired.class, k)));
        }
        return out;
    }

    /** Fires every enabled schedule's due fire times (relay server's scheduler, every second). */
    public void tick(Instant now, Starter starter) {
        for (Schedule s : list()) {
            if (s.enabled()) {
                advance(s, now, starter);
            }
        }
    }

    /**
     * Fires the schedule's fire times in {@code (last handled, now]}.
     *
     * @return the firings done now (a skipped one has {@code skipped} set)
     */
    public List<Fired> advance(Schedule s, Instant now, Starter starter) {
        String lastKey = PREFIX + s.scheduleId() + "/last.json";
        Instant created = Instant.parse(s.createdAt());
        Instant last = store.get(lastKey).map(b -> Instant.parse(Json.read(b, Last.class, lastKey).fireTime())).orElse(created);
        Instant updated = Instant.parse(s.updatedAt());
        if (s.noCatchup() && updated.isAfter(last)) {
            last = updated; // re-enabled: what was missed while disabled is not caught up
        }
        List<Fired> out = new ArrayList<>();
        for (Instant t : ScheduleTimes.due(s.trigger(), created, last, now, s.noCatchup())) {
            fire(s, t, starter).ifPresent(out::add);
            store.put(lastKey, Json.bytes(new Last(Times.format(t))));
        }
        return out;
    }

    /** Starts the run of one fire time unless it was fired before or the schedule is at its concurrency limit. */
    private Optional<Fired> fire(Schedule s, Instant t, Starter starter) {
        String key = PREFIX + s.scheduleId() + "/fired/" + String.format("%015d", t.toEpochMilli()) + ".json";
        if (!store.putIfAbsent(key, Json.bytes(new Fired(Times.format(t), null, "starting")))) {
            return Optional.empty();
        }
        int active = active(s.scheduleId());
        Fired f;
        if (active >= Math.max(1, s.maxConcurrency())) {
            f = new Fired(Times.format(t), null, "max_concurrency " + s.maxConcurrency() + " reached (" + active + " runs unfinished)");
        } else {
            try {
                f = new Fired(Times.format(t), starter.start(s, t), null);
            } catch (RuntimeException e) {
                f = new Fired(Times.format(t), null, "the run could not start: " + e.getMessage());
            }
        }
        store.put(key, Json.bytes(f));
        return Optional.of(f);
    }

    /** @return how many of the schedule's runs have not finished */
    public int active(String id) {
        int n = 0;
        for (Fired f : fired(id)) {
            if (f.runId() == null || finished.contains(f.runId())) {
                continue;
            }
            if (store.stat(RunLayout.runStatus(f.runId())).isPresent()) {
                finished.add(f.runId());
            } else {
                n++;
            }
        }
        return n;
    }

    private static String key(String id) {
        return PREFIX + id + ".json";
    }
}
