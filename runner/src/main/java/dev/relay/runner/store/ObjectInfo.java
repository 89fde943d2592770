package dev.relay.runner.store;

import java.time.Instant;

/**
 * What {@link ArtifactStore#stat(String)} knows about one object.
 *
 * @param key the object key
 * @param size length in bytes
 * @param eTag the entity tag without quotes (an MD5 hex for single-part uploads; MD5-of-MD5s +
 *     {@code -<parts>} for multipart uploads, as S3 and MinIO compute it)
 * @param contentType the stored {@code Content-Type}, or null
 * @param lastModified last-modified time as the server reports it (second precision on S3)
 */
public record ObjectInfo(String key, long size, String eTag, String contentType, Instant lastModified) {
}
