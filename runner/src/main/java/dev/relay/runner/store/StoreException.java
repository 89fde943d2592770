package dev.relay.runner.store;

/**
 * An object-store operation failed (network, authentication, server error, local I/O). Unchecked;
 * the message names the bucket and key, and the cause is the SDK's or I/O exception.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The key concerned, or null. */
    private final String key;

    /**
     * @param message what failed, naming the key (e.g. {@code put s3://mlpipeline/runs/r1/run.json failed: ...})
     * @param key the object key concerned, or null for bucket-level operations
     * @param cause the underlying exception, or null
     */
    public StoreException(String message, String key, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The object key the failed operation was about, or null for bucket-level operations. */
    public String key() {
        return key;
    }
}
