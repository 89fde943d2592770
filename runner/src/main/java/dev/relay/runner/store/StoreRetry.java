package dev.relay.runner.store;

import java.util.function.Supplier;

/**
 * Bounded retries of a store write whose loss would leave a run undecided (an attempt's
 * {@code status.json}, its log, its outputs): 5 tries over about 3 s (pauses of 0.2, 0.4, 0.8 and
 * 1.6 s), then {@link StoreUnavailableException}. A full disk, a store that is down or refuses
 * writes all end the same way: the attempt fails with reason {@code StoreUnavailable} instead of
 * the run hanging.
 */
public final class StoreRetry {
    private static final long[] PAUSES_MS = {200, 400, 800, 1600};

    private StoreRetry() {}

    /**
     * Runs {@code op}, retrying on {@link StoreException}.
     *
     * @param what what is written, for the message (e.g. the key)
     * @throws StoreUnavailableException when every try failed
     */
    public static <T> T call(String what, Supplier<T> op) {
        StoreException last = null;
        for (int i = 0; i <= PAUSES_MS.length; i++) {
            try {
                return op.get();
            } catch (StoreException e) {
                last = e;
            }
            if (i < PAUSES_MS.length) {
                try {
                    Thread.sleep(PAUSES_MS[i]);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new StoreUnavailableException(what, last);
    }

    /** {@link #call} for a write with no result. */
    public static void run(String what, Runnable op) {
        call(what, () -> {
            op.run();
            return null;
        });
    }
}
