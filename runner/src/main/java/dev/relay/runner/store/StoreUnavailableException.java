package dev.relay.runner.store;

/**
 * The store could not take a write after {@link StoreRetry}'s bounded retries. Its message is one
 * plain line for users: what could not be written and the store's own reason (e.g.
 * {@code No space left on device}), without the stack of the layers below.
 */
public final class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * @param what what could not be written (e.g. an object key)
     * @param cause the last failure
     */
    public StoreUnavailableException(String what, StoreException cause) {
        super("the store is unavailable: cannot write " + what + " (" + rootMessage(cause) + ")",
                cause == null ? null : cause.key(), cause);
    }

    /** @return the innermost message of {@code t}'s causes, the store's own words */
    static String rootMessage(Throwable t) {
        if (t == null) {
            return "interrupted";
        }
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        if (c instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            m = f.getReason();
        }
        return m == null ? "unexpected failure" : dev.relay.eventing.input.ErrorText.plain(m);
    }
}
