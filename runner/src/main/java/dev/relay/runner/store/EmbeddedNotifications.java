package dev.relay.runner.store;

import dev.relay.eventing.Sha256;
import dev.relay.eventing.s3.MinioRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the two embedded writers of a data directory ({@link EmbeddedS3Server}'s S3Proxy and the
 * in-process {@link FilesystemArtifactStore}) put in the MinIO records they emit, so that a record
 * does not tell which of them wrote the object: the same deployment id and node id for one data
 * directory, and sequencers from one clock that never repeats in this JVM.
 */
final class EmbeddedNotifications {

    /** Last sequencer value handed out in this JVM (Unix nanoseconds), shared by both writers. */
    private static final AtomicLong LAST_NANOS = new AtomicLong();

    private EmbeddedNotifications() {
    }

    /**
     * The origin of records for objects written under {@code root}.
     *
     * @param root the data directory, absolute and normalized
     * @param accessKey the principal ({@code userIdentity.principalId})
     * @param clientIp the requester's address ({@code sourceIPAddress}, {@code source.host})
     * @param endpoint the S3 endpoint that served the write, or null when it was written in-process
     */
    static MinioRecords.Origin origin(Path root, String accessKey, String clientIp, String endpoint) {
        String dir = root.toString();
        return new MinioRecords.Origin(accessKey, clientIp, "relay-embedded", endpoint,
                UUID.nameUUIDFromBytes(dir.getBytes(StandardCharsets.UTF_8)).toString(), Sha256.hex(dir), null);
    }

    /** MinIO's sequencer for a write at {@code now}: uppercase hex of Unix nanoseconds, strictly increasing. */
    static String nextSequencer(Instant now) {
        long wall = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return MinioRecords.sequencer(LAST_NANOS.updateAndGet(prev -> Math.max(prev + 1, wall)));
    }
}
