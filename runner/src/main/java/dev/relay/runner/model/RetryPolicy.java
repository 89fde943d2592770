package dev.relay.runner.model;

import java.time.Duration;

/**
 * A task's {@code retryPolicy} (KFP's {@code PipelineTaskSpec.RetryPolicy}): how many attempts
 * after the first a failed task gets, and how long to wait before each. The delay before attempt
 * {@code n+1} is {@code backoff * factor^(n-1)}, at most {@code maxBackoff}.
 *
 * @param maxRetries &ge; 0 ({@code maxRetryCount})
 * @param backoff    {@code backoffDuration}, zero when absent
 * @param factor     {@code backoffFactor}, 2 when absent (KFP's default)
 * @param maxBackoff {@code backoffMaxDuration}, 1 hour when absent (KFP's default)
 */
public record RetryPolicy(int maxRetries, Duration backoff, double factor, Duration maxBackoff) {
    /** No retry. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, 2, Duration.ofHours(1));

    /** @throws IllegalArgumentException for a negative count or duration, or a factor below 1 */
    public RetryPolicy {
        if (maxRetries < 0 || backoff.isNegative() || maxBackoff.isNegative() || factor < 1 || Double.isNaN(factor)) {
            throw new IllegalArgumentException("bad retry policy: maxRetryCount " + maxRetries + ", backoffDuration "
                    + backoff + ", backoffFactor " + factor + ", backoffMaxDuration " + maxBackoff);
        }
    }

    /** A policy of {@code maxRetries} retries without delay (KFP v1's {@code retryStrategy.maxRetries}). */
    public static RetryPolicy retries(int maxRetries) {
        return maxRetries == 0 ? NONE : new RetryPolicy(maxRetries, Duration.ZERO, 2, Duration.ofHours(1));
    }

    /**
     * @param attempt the attempt about to start, &ge; 1
     * @return how long to wait before its command; zero for the first attempt
     */
    public Duration delayBefore(int attempt) {
        if (attempt <= 1 || backoff.isZero()) {
            return Duration.ZERO;
        }
        double millis = backoff.toMillis() * Math.pow(factor, attempt - 2);
        long capped = (long) Math.min(millis, (double) maxBackoff.toMillis());
        return Duration.ofMillis(capped);
    }
}
