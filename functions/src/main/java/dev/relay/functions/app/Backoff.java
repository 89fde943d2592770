package dev.relay.functions.app;

import dev.relay.runner.store.ReadWait;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Bounded exponential backoff from this app's settings ({@link RelayConfig.Retry}): at most
 * {@code attempts} tries, delays doubling up to a cap; the runner's {@link ReadWait} does the waiting.
 */
public final class Backoff {
    private Backoff() {}

    /** @return the runner's wait for {@code policy} */
    public static ReadWait readWait(RelayConfig.Retry policy) {
        return new ReadWait(policy.attempts(), policy.initialDelay(), policy.maxDelay());
    }

    /**
     * Calls {@code attempt} until it answers true or the attempts are used up.
     *
     * @return true when an attempt succeeded
     * @throws IllegalStateException when interrupted while waiting
     */
    public static boolean retry(RelayConfig.Retry policy, Supplier<Boolean> attempt) {
        boolean ok = readWait(policy).await(attempt::get);
        if (!ok && Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted while waiting to retry");
        }
        return ok;
    }

    /** @return the longest time {@link #retry} waits in all */
    public static Duration total(RelayConfig.Retry policy) {
        return readWait(policy).total();
    }
}
