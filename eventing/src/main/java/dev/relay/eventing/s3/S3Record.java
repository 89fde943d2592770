package dev.relay.eventing.s3;

import dev.relay.eventing.RelayEventTypes;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One record of an S3 or MinIO bucket notification ({@code Records[i]} of the AWS "event message
 * structure"; MinIO's {@code internal/event/event.go} {@code Event}).
 *
 * @param eventName as given: {@code s3:ObjectCreated:Put} (MinIO) or {@code ObjectCreated:Put} (AWS)
 * @param bucket {@code s3.bucket.name}
 * @param key the object name, DECODED from {@code s3.object.key} (see {@link S3Keys#formDecode})
 * @param size {@code s3.object.size} in bytes, or null when absent (deletes; MinIO also omits a
 *     size of 0 because of Go's {@code omitempty})
 * @param eTag {@code s3.object.eTag} without quotes, or null
 * @param versionId {@code s3.object.versionId}, or null
 * @param sequencer {@code s3.object.sequencer} (MinIO: uppercase hex of nanoseconds), or null
 * @param eventTime {@code eventTime}, or null when absent
 * @param awsRegion {@code awsRegion} ({@code ""} for MinIO), or null when absent
 * @param eventSource {@code eventSource}: {@code minio:s3} or {@code aws:s3}
 * @param requestId {@code responseElements["x-amz-request-id"]}, or null
 * @param id2 {@code responseElements["x-amz-id-2"]}, or null (older MinIO lacks it)
 * @param contentType {@code s3.object.contentType}, or null
 * @param userMetadata {@code s3.object.userMetadata}; empty, never null
 */
public record S3Record(
        String eventName,
        String bucket,
        String key,
        Long size,
        String eTag,
        String versionId,
        String sequencer,
        Instant eventTime,
        String awsRegion,
        String eventSource,
        String requestId,
        String id2,
        String contentType,
        Map<String, String> userMetadata) {

    /** Event names (without {@code s3:}) that mean the object's bytes are new. */
    private static final Set<String> NEW_DATA = Set.of(
            "ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy",
            "ObjectCreated:CompleteMultipartUpload");

    /** Checks the required fields and copies {@code userMetadata}. */
    public S3Record {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
    }

    /**
     * Whether this event brings new object data: {@code ObjectCreated:Put}, {@code Post},
     * {@code Copy} and {@code CompleteMultipartUpload}, with or without {@code s3:}. Tagging,
     * retention and legal-hold changes ({@code ObjectCreated:PutTagging}, ...), and every
     * {@code ObjectRemoved:*} and {@code ObjectAccessed:*} are not.
     */
    public boolean isNewData() {
        return NEW_DATA.contains(eventType());
    }

    /** The event name without a leading {@code s3:}, e.g. {@code ObjectCreated:Put}. */
    public String eventType() {
        return RelayEventTypes.stripS3Prefix(eventName);
    }

    /**
     * The key that tells a redelivered notification from a new write, used by every handler that
     * deduplicates object records (the run controller, the artifact function's index step):
     * bucket, key, the object version ({@code versionId}, or the {@code eTag} when the bucket is
     * not versioned) and {@code sequencer}, joined by newlines (which S3 keys may hold, but never
     * in a way that makes two different records collide, since the last two fields hold none).
     * Two writes of the same bytes differ by their sequencer; a redelivery of one record is equal.
     */
    public String dedupeKey() {
        return bucket + "\n" + key + "\n" + (versionId != null ? versionId : eTag) + "\n" + sequencer;
    }

    /** {@code s3://<bucket>/<key>} with the key as is (docs/contracts.md: not percent-encoded). */
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
