package dev.relay.runner.store;

import dev.relay.eventing.s3.MinioRecords;
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
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.CopyOptions;
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
 */
final class NotifyingBlobStore extends ForwardingBlobStore {

    private final Consumer<byte[]> sink;
    private volatile MinioRecords.Origin origin;
    private final Set<String> openUploads = ConcurrentHashMap.newKeySet();

    NotifyingBlobStore(BlobStore delegate, Consumer<byte[]> sink, MinioRecords.Origin origin) {
        super(delegate);
        this.sink = sink;
        this.origin = origin;
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
