package dev.relay.runner.store;

import dev.relay.eventing.s3.MinioRecords;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * A jclouds {@link BlobStore} that, after each successful write, hands the MinIO notification for
 * it ({@link MinioRecords#envelope}) to a sink, synchronously, on the request thread.
 *
 * <ul>
 *   <li>{@code putBlob} → {@code s3:ObjectCreated:Put}, except S3Proxy's multipart stub (an empty
 *       blob named after the upload id, stored when a multipart upload starts on the filesystem
 *       backend);</li>
 *   <li>{@code completeMultipartUpload} → {@code s3:ObjectCreated:CompleteMultipartUpload};</li>
 *   <li>{@code copyBlob} (S3 CopyObject) → {@code s3:ObjectCreated:Copy}.</li>
 * </ul>
 * Deletes notify nothing. A sink exception propagates: the client then gets an error although the
 * object was stored, rather than a notification being lost silently.
 *
 * <p>The bucket list (S3 ListBuckets) leaves out the filesystem store's staging directory
 * ({@link TempFiles#STAGING_DIR}), which the backend would list as a bucket like every directory.
 * An object listing (S3 ListObjects, V1 and V2, recursive or with a delimiter) leaves out the
 * backend's own writes in progress, the files {@code <key>-<uuid>} jclouds writes beside an object
 * and then renames over it, as {@link FilesystemArtifactStore}'s listing does: with the data
 * directory known, a file so named without {@code user.content-md5} ({@link TempFiles#isBesideTemp});
 * otherwise an entry so named whose metadata has no MD5 (what the backend reports for such a
 * file). A page so filtered may hold fewer entries than asked for, with its marker unchanged, as S3
 * allows.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {

    private final Consumer<byte[]> sink;
    private volatile MinioRecords.Origin origin;
    private final Set<String> openUploads = ConcurrentHashMap.newKeySet();
    /** The filesystem backend's base directory (a bucket is a directory in it); null when unknown. */
    private final Path baseDir;

    /**
     * @param delegate the backend (jclouds {@code filesystem}, or any other)
     * @param sink receives each notification (UTF-8 JSON) on the request thread
     * @param origin who the records say served the request
     * @param baseDir the filesystem backend's base directory, so that listings check a
     *     {@code <key>-<uuid>} file on disk; null to decide by name and metadata
     */
    NotifyingBlobStore(BlobStore delegate, Consumer<byte[]> sink, MinioRecords.Origin origin, Path baseDir) {
        super(delegate);
        this.sink = sink;
        this.origin = origin;
        this.baseDir = baseDir;
    }

    /** Sets who the records say served the request (the endpoint is known only after start). */
    void setOrigin(MinioRecords.Origin origin) {
        this.origin = origin;
    }

    @Override
    public PageSet<? extends StorageMetadata> list() {
        PageSet<? extends StorageMetadata> all = super.list();
        List<StorageMetadata> buckets = all.stream()
                .filter(m -> !TempFiles.STAGING_DIR.equals(m.getName()))
                .collect(java.util.stream.Collectors.toList());
        return new PageSetImpl<>(buckets, all.getNextMarker());
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container) {
        return withoutWritesInProgress(container, null, super.list(container));
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        return withoutWritesInProgress(container, options, super.list(container, options));
    }

    /**
     * {@code page} without the writes in progress. A page left empty that has a next one is replaced
     * by the next one (so filtered): a ListObjects V1 client without delimiter gets no NextMarker and
     * continues after the page's last key, which an empty page has not.
     */
    private PageSet<? extends StorageMetadata> withoutWritesInProgress(String container, ListContainerOptions options,
            PageSet<? extends StorageMetadata> page) {
        while (true) {
            List<StorageMetadata> kept = page.stream().filter(m -> !isWriteInProgress(container, m))
                    .collect(java.util.stream.Collectors.toList());
            if (kept.size() == page.size()) {
                return page;
            }
            if (!kept.isEmpty() || page.getNextMarker() == null) {
                return new PageSetImpl<>(kept, page.getNextMarker());
            }
            ListContainerOptions next = options == null ? new ListContainerOptions() : options.clone();
            page = super.list(container, next.afterMarker(page.getNextMarker()));
        }
    }

    /** Whether a listed entry is a {@code <key>-<uuid>} file the backend is writing (see the class comment). */
    private boolean isWriteInProgress(String container, StorageMetadata m) {
        String name = m.getName();
        if (m.getType() != StorageType.BLOB || name == null
                || !TempFiles.isBesideTempName(name.substring(name.lastIndexOf('/') + 1))) {
            return false;
        }
        if (baseDir != null) {
            return TempFiles.isBesideTemp(baseDir.resolve(container).resolve(name));
        }
        return m.getETag() == null && (!(m instanceof BlobMetadata b)
                || b.getContentMetadata() == null || b.getContentMetadata().getContentMD5AsHashCode() == null);
    }

    @Override
    public String putBlob(String container, Blob blob) {
        String eTag = super.putBlob(container, blob);
        afterPut(container, blob, eTag);
        return eTag;
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String eTag = super.putBlob(container, blob, options);
        afterPut(container, blob, eTag);
        return eTag;
    }

    @Override
    public MultipartUpload initiateMultipartUpload(String container, BlobMetadata blobMetadata, PutOptions options) {
        MultipartUpload mpu = super.initiateMultipartUpload(container, blobMetadata, options);
        openUploads.add(stubKey(container, mpu.id()));
        return mpu;
    }

    @Override
    public void abortMultipartUpload(MultipartUpload mpu) {
        try {
            super.abortMultipartUpload(mpu);
        } finally {
            openUploads.remove(stubKey(mpu.containerName(), mpu.id()));
        }
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        String eTag = super.completeMultipartUpload(mpu, parts);
        openUploads.remove(stubKey(mpu.containerName(), mpu.id()));
        notifyStored("s3:ObjectCreated:CompleteMultipartUpload", mpu.containerName(), mpu.blobName(), eTag);
        return eTag;
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
            CopyOptions options) {
        String eTag = super.copyBlob(fromContainer, fromName, toContainer, toName, options);
        notifyStored("s3:ObjectCreated:Copy", toContainer, toName, eTag);
        return eTag;
    }

    private void afterPut(String container, Blob blob, String eTag) {
        String name = blob.getMetadata().getName();
        if (openUploads.contains(stubKey(container, name))) {
            return; // S3Proxy's multipart stub, not an object anyone wrote
        }
        Long length = blob.getMetadata().getContentMetadata().getContentLength();
        String contentType = blob.getMetadata().getContentMetadata().getContentType();
        if (length == null) {
            notifyStored("s3:ObjectCreated:Put", container, name, eTag);
        } else {
            emit("s3:ObjectCreated:Put", container, name, length, eTag, contentType);
        }
    }

    /** Notifies with size and content type read back from the store (multipart, copy). */
    private void notifyStored(String eventName, String container, String name, String eTag) {
        BlobMetadata md = delegate().blobMetadata(container, name);
        long size = 0;
        String contentType = null;
        if (md != null) {
            size = md.getSize() == null ? 0 : md.getSize();
            contentType = md.getContentMetadata().getContentType();
            if (eTag == null) {
                eTag = md.getETag();
            }
        }
        emit(eventName, container, name, size, eTag, contentType);
    }

    private void emit(String eventName, String container, String name, long size, String eTag, String contentType) {
        Instant now = Instant.now();
        String sequencer = EmbeddedNotifications.nextSequencer(now);
        sink.accept(MinioRecords.envelope(eventName, container, name, size, unquote(eTag), contentType,
                sequencer, now, origin));
    }

    private static String stubKey(String container, String name) {
        return container + "/" + name;
    }

    private static String unquote(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }
}
