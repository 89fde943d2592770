package dev.relay.functions.app;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded exponential backoff: at most {@code attempts} tries, delays doubling up to a cap. */
public final class Backoff {
    private Backoff() {}

    /**
     * Calls {@code attempt} until it answers true or the attempts are used up.
     *
     * @return true when an attempt succeeded
     */
    public static boolean retry(RelayConfig.Retry policy, Supplier<Boolean> attempt) {
        long delay = policy.initialDelay().toMillis();
        int attempts = Math.max(1, policy.attempts());
        for (int i = 1; ; i++) {
            if (attempt.get()) {
                return true;
            }
            if (i >= attempts) {
                return false;
            }
            sleep(delay);
            delay = Math.min(delay * 2, policy.maxDelay().toMillis());
        }
    }

    /** @return the longest time {@link #retry} waits in all */
    public static Duration total(RelayConfig.Retry policy) {
        long delay = policy.initialDelay().toMillis();
        long sum = 0;
        for (int i = 1; i < Math.max(1, policy.attempts()); i++) {
            sum += delay;
            delay = Math.min(delay * 2, policy.maxDelay().toMillis());
        }
        return Duration.ofMillis(sum);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
