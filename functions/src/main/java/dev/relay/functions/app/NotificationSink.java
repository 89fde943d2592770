package dev.relay.functions.app;

/**
 * Where the embedded store's MinIO notification envelopes go. The default bean hands them to the
 * {@code artifact} function in this process; tests swap it to drive runs over HTTP or Kafka.
 */
public interface NotificationSink {
    /** Takes one envelope (UTF-8 JSON); called on the store's request thread: must be quick. */
    void accept(byte[] envelope);
}
