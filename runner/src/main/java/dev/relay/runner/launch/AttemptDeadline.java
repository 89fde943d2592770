package dev.relay.runner.launch;

import dev.relay.runner.contract.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * When one attempt must have ended, from its request's annotations: the task's own timeout
 * ({@link #TIMEOUT}, an Argo template's {@code activeDeadlineSeconds}, counted from the attempt's
 * start) and the run's deadline ({@link #RUN_DEADLINE}, an instant: an Argo Workflow's
 * {@code spec.activeDeadlineSeconds} after the run started), whichever comes first. The local
 * launcher ends the process there; the Kubernetes launcher sets the Job's
 * {@code activeDeadlineSeconds} to it.
 *
 * @param at  the instant
 * @param why what set it, for the attempt's failure message ({@code the task's timeout (60s)},
 *            {@code the run's deadline (2026-01-01T00:00:50Z)})
 */
public record AttemptDeadline(Instant at, String why) {
    /** Task annotation: the attempt's time limit as a duration ({@link Durations}: {@code 90s}, {@code 30m}, seconds). */
    public static final String TIMEOUT = "relay.dev/timeout";
    /** Request annotation the controller adds: the instant ({@link Times}) by which the run must have ended. */
    public static final String RUN_DEADLINE = "relay.dev/run-deadline";

    /**
     * @param annotations the request's annotations
     * @param start       when the attempt starts
     * @return the earlier of the two limits, or null when neither is set
     * @throws IllegalArgumentException when an annotation is not a duration / an instant (quoting it)
     */
    public static AttemptDeadline of(Map<String, String> annotations, Instant start) {
        AttemptDeadline d = null;
        String timeout = annotations.get(TIMEOUT);
        if (timeout != null) {
            d = new AttemptDeadline(start.plusSeconds(Durations.seconds(timeout)), "the task's timeout (" + timeout + ")");
        }
        String run = annotations.get(RUN_DEADLINE);
        if (run != null) {
            Instant at;
            try {
                at = Times.parse(run);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(RUN_DEADLINE + ": '" + run + "' is not an instant");
            }
            if (d == null || at.isBefore(d.at())) {
                d = new AttemptDeadline(at, "the run's deadline (" + run + ")");
            }
        }
        return d;
    }

    /** @return the time left from {@code now}, zero when already past */
    public Duration left(Instant now) {
        Duration left = Duration.between(now, at);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
