package dev.relay.runner.store;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.HttpUtils;
import io.minio.messages.Item;
import okhttp3.OkHttpClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.Comparator;

/**
 * {@link ArtifactStore} over the MinIO Java SDK ({@link MinioClient}): the one way Relay talks to
 * S3, whether the server is MinIO in the cluster or the {@link EmbeddedS3Server}.
 *
 * <p>Content types are chosen from the key's extension ({@code .json} → {@code application/json},
 * {@code .txt}/{@code .log} → {@code text/plain}, {@code .yaml}/{@code .yml} →
 * {@code application/yaml}, {@code .csv} → {@code text/csv}, {@code .html} → {@code text/html}),
 * otherwise {@code application/octet-stream}. Thread-safe (the SDK client is).
 */
public final class MinioArtifactStore implements ArtifactStore, AutoCloseable {

    /** Unicode code point order, which is the UTF-8 byte order S3 lists keys in. */
    static final Comparator<String> UTF8_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private final MinioClient client;
    private final String bucket;
    private final boolean ownsClient;

    /**
     * Wraps a client the caller owns (it is not closed by {@link #close()}).
     *
     * @param client a configured MinIO client
     * @param bucket the bucket (S3 rules: 3–63 characters)
     */
    public MinioArtifactStore(MinioClient client, String bucket) {
        this(client, bucket, false);
    }

    private MinioArtifactStore(MinioClient client, String bucket, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.ownsClient = ownsClient;
    }

    /**
     * Connects to an S3 endpoint with static keys; the store owns (and closes) the client.
     *
     * @param endpoint e.g. {@code http://127.0.0.1:9000}
     * @param region the region to sign for, or null to let the SDK ask the server (one extra
     *     request per bucket); {@code us-east-1} suits MinIO's and S3Proxy's defaults
     */
    public static MinioArtifactStore connect(String endpoint, String accessKey, String secretKey,
            String region, String bucket) {
        MinioClient.Builder b = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey)
                .httpClient(sharedHttpClient(), false);
        if (region != null) {
            b.region(region);
        }
        return new MinioArtifactStore(b.build(), bucket, true);
    }

    /**
     * One HTTP client (connection pool, TLS set-up) for every store and client Relay makes in this
     * JVM: building the SDK's default client costs hundreds of milliseconds each time. Timeouts
     * are the SDK's defaults (5 minutes).
     */
    public static OkHttpClient sharedHttpClient() {
        return SharedHttp.CLIENT;
    }

    private static final class SharedHttp {
        static final OkHttpClient CLIENT = HttpUtils.newDefaultHttpClient(
                TimeUnit.MINUTES.toMillis(5), TimeUnit.MINUTES.toMillis(5), TimeUnit.MINUTES.toMillis(5));
    }

    /**
     * Creates the bucket when it does not exist (a concurrent creator is fine).
     *
     * @return this store
     * @throws StoreException when the bucket cannot be checked or created
     */
    public MinioArtifactStore ensureBucket() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                } catch (ErrorResponseException e) {
                    String code = e.errorResponse().code();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            }
            return this;
        } catch (Exception e) {
            throw new StoreException("cannot create bucket " + bucket + ": " + describe(e), null, e);
        }
    }

    @Override
    public void put(String key, byte[] data) {
        write(key, data, Map.of());
    }

    @Override
    public void putFile(String key, Path file) {
        checkKey(key);
        try {
            client.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key)
                    .filename(file.toString()).contentType(contentType(key)).build());
        } catch (Exception e) {
            throw fail("put", key, e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        if (stat(key).isPresent()) {
            return false;
        }
        try {
            write(key, data, Map.of("If-None-Match", "*"));
            return true;
        } catch (StoreException e) {
            if (e.getCause() instanceof ErrorResponseException ere
                    && ("PreconditionFailed".equals(ere.errorResponse().code()) || ere.response().code() == 412)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void delete(String key) {
        checkKey(key);
        try {
            client.removeObject(io.minio.RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw fail("delete", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        checkKey(key);
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return Optional.of(in.readAllBytes());
        } catch (Exception e) {
            if (isNoSuchKey(e)) {
                return Optional.empty();
            }
            throw fail("get", key, e);
        }
    }

    @Override
    public void download(String key, Path target) {
        checkKey(key);
        Path tmp = null;
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            tmp = TempFiles.beside(target);
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            TempFiles.moveIntoPlace(tmp, target);
            tmp = null;
        } catch (Exception e) {
            if (isNoSuchKey(e)) {
                throw new StoreException("download " + uri(key) + ": no such key", key, e);
            }
            throw fail("download", key, e);
        } finally {
            TempFiles.deleteQuietly(tmp);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        checkKey(key);
        try {
            StatObjectResponse r = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.of(new ObjectInfo(key, r.size(), unquote(r.etag()), r.contentType(),
                    r.lastModified() == null ? null : r.lastModified().toInstant()));
        } catch (Exception e) {
            if (isNoSuchKey(e)) {
                return Optional.empty();
            }
            throw fail("stat", key, e);
        }
    }

    @Override
    public List<String> list(String prefix, boolean recursive) {
        Objects.requireNonNull(prefix, "prefix");
        SortedSet<String> keys = new TreeSet<>(UTF8_ORDER);
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(bucket)
                    .prefix(prefix).recursive(recursive).build())) {
                Item item = r.get();
                String name = item.objectName();
                // S3Proxy's filesystem backend also lists directories as "dir/" entries; Relay
                // never writes keys ending in "/", so in a recursive listing they are dropped.
                if (recursive && name.endsWith("/")) {
                    continue;
                }
                keys.add(name);
            }
            return new ArrayList<>(keys);
        } catch (Exception e) {
            throw new StoreException("list s3://" + bucket + "/" + prefix + "* failed: " + describe(e), prefix, e);
        }
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** The underlying SDK client (for callers that need an operation this interface lacks). */
    public MinioClient client() {
        return client;
    }

    /** Closes the SDK client when this store created it ({@link #connect}); otherwise does nothing. */
    @Override
    public void close() {
        if (ownsClient) {
            try {
                client.close();
            } catch (Exception e) {
                throw new StoreException("closing the S3 client failed: " + e, null, e);
            }
        }
    }

    private void write(String key, byte[] data, Map<String, String> headers) {
        checkKey(key);
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(data), data.length, -1)
                    .contentType(contentType(key))
                    .headers(headers)
                    .build());
        } catch (Exception e) {
            throw fail("put", key, e);
        }
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new StoreException("object key is empty", key, null);
        }
    }

    private StoreException fail(String op, String key, Exception e) {
        return new StoreException(op + " " + uri(key) + " failed: " + describe(e), key, e);
    }

    private static boolean isNoSuchKey(Exception e) {
        if (e instanceof ErrorResponseException ere) {
            String code = ere.errorResponse().code();
            return "NoSuchKey".equals(code) || "NoSuchObject".equals(code)
                    || (ere.response() != null && ere.response().code() == 404 && !"NoSuchBucket".equals(code));
        }
        return false;
    }

    private static String describe(Exception e) {
        if (e instanceof ErrorResponseException ere) {
            return ere.errorResponse().code() + ": " + ere.errorResponse().message();
        }
        return dev.relay.eventing.input.ErrorText.of(e);
    }

    private static String unquote(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }

    static String contentType(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".json")) {
            return "application/json";
        }
        if (k.endsWith(".txt") || k.endsWith(".log")) {
            return "text/plain";
        }
        if (k.endsWith(".yaml") || k.endsWith(".yml")) {
            return "application/yaml";
        }
        if (k.endsWith(".csv")) {
            return "text/csv";
        }
        if (k.endsWith(".html")) {
            return "text/html";
        }
        return "application/octet-stream";
    }
}
