package dev.relay.runner.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The Relay bucket as the engine and the launchers see it: one bucket, fixed per instance, keys
 * as in docs/contracts.md ("Object layout"). Keys are used as given: callers check them (no
 * {@code ..}, no leading {@code /}, no control characters) before they get here.
 *
 * <p>Every write is one object written and therefore one bucket notification (MinIO in the
 * cluster, {@link EmbeddedS3Server} locally). All methods throw {@link StoreException} naming the
 * key on any failure other than the ones their return type expresses.
 */
public interface ArtifactStore {

    /** Writes (or overwrites) {@code key} with {@code data}. */
    void put(String key, byte[] data);

    /**
     * Uploads a local file to {@code key} (streamed; files larger than the part size go up as a
     * multipart upload, which notifies {@code ObjectCreated:CompleteMultipartUpload}).
     */
    void putFile(String key, Path file);

    /**
     * Writes {@code key} only if no object exists there. Best effort: it checks with a HEAD and
     * then PUTs with {@code If-None-Match: *}; MinIO (2024+) and AWS enforce that header
     * atomically, but S3Proxy 2.6 ignores it on PUT, so on the embedded store two writers racing
     * between the HEAD and the PUT can both "win" (the last write is kept).
     *
     * @return true if this call wrote the object, false if one already existed
     */
    boolean putIfAbsent(String key, byte[] data);

    /** Reads a whole object into memory; empty when there is no such key. */
    Optional<byte[]> get(String key);

    /**
     * Streams an object to {@code target} (parent directories created; written to a temporary
     * sibling then moved into place, replacing an existing file).
     *
     * @throws StoreException also when the key does not exist
     */
    void download(String key, Path target);

    /** Size and eTag of {@code key}; empty when there is no such key. */
    Optional<ObjectInfo> stat(String key);

    /**
     * Whether {@code key} is an object: the same answer as {@code stat(key).isPresent()}, which is
     * all this default does; a store may answer without reading the object's metadata.
     */
    default boolean exists(String key) {
        return stat(key).isPresent();
    }

    /**
     * Keys under {@code prefix}, sorted in UTF-8 binary order (S3's listing order), without
     * duplicates. Keys ending in {@code /} (directory markers) are left out of recursive listings.
     *
     * @param prefix a key prefix, e.g. {@code runs/r1/}; {@code ""} for the whole bucket
     * @param recursive true: every key below the prefix; false: one level, where deeper keys are
     *     folded into their common prefix ending in {@code /} (S3's delimiter listing)
     */
    List<String> list(String prefix, boolean recursive);

    /**
     * Removes {@code key}; removing a key that does not exist is no error (S3's semantics). A
     * removal notifies {@code ObjectRemoved:Delete}, which the engine ignores.
     */
    void delete(String key);

    /** The bucket this store writes to. */
    String bucket();

    /** {@code s3://<bucket>/<key>} with the key as is, not percent-encoded (docs/contracts.md). */
    default String uri(String key) {
        return "s3://" + bucket() + "/" + key;
    }
}
