package dev.relay.runner.store;

import java.time.Duration;

/**
 * The readable-object wait: an object may be announced before it is readable (eventual
 * consistency, a replica behind), so a read is tried up to {@code attempts} times, the pause
 * starting at {@code initialDelay} and doubling up to {@code maxDelay}. Used wherever Relay reads
 * what a notification announced: the object-event handler and the launchers' inputs.
 *
 * @param attempts     tries in all; fewer than 1 counts as 1
 * @param initialDelay the pause before the second try
 * @param maxDelay     the cap on one pause
 */
public record ReadWait(int attempts, Duration initialDelay, Duration maxDelay) {
    /** 6 tries, pauses of 50, 100, 200, 400 and 800 ms: about 1.5 s in all. */
    public static final ReadWait DEFAULT = new ReadWait(6, Duration.ofMillis(50), Duration.ofSeconds(1));

    /** One try at reading; {@link #await}. */
    @FunctionalInterface
    public interface Probe<E extends Exception> {
        /** @return true once the object was read (or found); false to try again after a pause */
        boolean read() throws E;
    }

    /**
     * Tries {@code probe} until it answers true or the tries are used up. An interrupt ends the
     * wait early (the thread's interrupt flag stays set).
     *
     * @return whether {@code probe} answered true
     * @throws E what {@code probe} throws, at once
     */
    public <E extends Exception> boolean await(Probe<E> probe) throws E {
        long delay = initialDelay.toMillis();
        int tries = Math.max(1, attempts);
        for (int i = 1; ; i++) {
            if (probe.read()) {
                return true;
            }
            if (i >= tries) {
                return false;
            }
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            delay = Math.min(delay * 2, maxDelay.toMillis());
        }
    }

    /** @return the longest time {@link #await} pauses in all */
    public Duration total() {
        long delay = initialDelay.toMillis();
        long sum = 0;
        for (int i = 1; i < Math.max(1, attempts); i++) {
            sum += delay;
            delay = Math.min(delay * 2, maxDelay.toMillis());
        }
        return Duration.ofMillis(sum);
    }
}
