package dev.relay.runner.store;

import dev.relay.eventing.s3.MinioRecords;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * An S3 server in this JVM: S3Proxy over the jclouds {@code filesystem} backend rooted at a data
 * directory (each bucket a directory, each object a plain file at its key), with AWS V2/V4
 * authentication. Every object written through it is announced to a sink as the JSON MinIO's
 * webhook/Kafka target would send ({@link MinioRecords}), synchronously after the write succeeded.
 *
 * <p>Several servers (several {@code relay} processes) may serve the same data directory: each
 * sees the others' objects, but each notifies only the writes it served.
 *
 * <p>Logging of S3Proxy, jclouds and Jetty is set to WARN (java.util.logging levels, which
 * Quarkus's JBoss LogManager honours; slf4j-simple defaults to WARN through
 * {@code simplelogger.properties}). The first start in a JVM takes about 1–2 s (class loading);
 * later starts are much faster.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    /** Loggers kept reachable so that their WARN level sticks. */
    private static final List<Logger> QUIET = List.of(
            Logger.getLogger("org.gaul"), Logger.getLogger("org.jclouds"), Logger.getLogger("jclouds"),
            Logger.getLogger("org.eclipse.jetty"), Logger.getLogger("org.gaul.shaded.org.eclipse.jetty"));

    static {
        for (Logger l : QUIET) {
            l.setLevel(Level.WARNING);
        }
        for (String pkg : new String[] {"org.gaul", "org.jclouds", "jclouds", "org.eclipse.jetty"}) {
            String prop = "org.slf4j.simpleLogger.log." + pkg;
            if (System.getProperty(prop) == null) {
                System.setProperty(prop, "warn");
            }
        }
    }

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3Server(S3Proxy proxy, BlobStoreContext context, URI endpoint, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /**
     * Starts a server and waits until it accepts connections.
     *
     * @param dataDir root of the stored buckets (created if missing)
     * @param host address to bind, e.g. {@code 127.0.0.1}
     * @param port TCP port, 0 for an ephemeral one (see {@link #endpoint()})
     * @param accessKey the only accepted access key (e.g. {@code minio})
     * @param secretKey its secret (e.g. {@code minio123})
     * @param notificationSink receives one MinIO notification (UTF-8 JSON) per object written,
     *     on the request thread, after the write succeeded; must be quick and thread-safe
     * @return the running server
     * @throws StoreException when the directory cannot be created or the server cannot start
     *     (e.g. the port is taken)
     */
    public static EmbeddedS3Server start(Path dataDir, String host, int port, String accessKey, String secretKey,
            Consumer<byte[]> notificationSink) {
        Objects.requireNonNull(notificationSink, "notificationSink");
        BlobStoreContext context = null;
        try {
            Path root = Files.createDirectories(dataDir).toAbsolutePath().normalize();
            Properties props = new Properties();
            props.setProperty(FilesystemConstants.PROPERTY_BASEDIR, root.toString());
            context = ContextBuilder.newBuilder("filesystem").overrides(props).buildView(BlobStoreContext.class);
            URI bind = URI.create("http://" + hostForUri(host) + ":" + port);
            String clientIp = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
            MinioRecords.Origin origin = EmbeddedNotifications.origin(root, accessKey, clientIp, null);
            NotifyingBlobStore blobStore = new NotifyingBlobStore(context.getBlobStore(), notificationSink, origin, root);
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(blobStore)
                    .endpoint(bind)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if ("FAILED".equals(proxy.getState()) || System.nanoTime() > deadline) {
                    proxy.stop();
                    throw new IllegalStateException("S3Proxy state " + proxy.getState());
                }
                Thread.sleep(5);
            }
            URI endpoint = URI.create("http://" + hostForUri(host) + ":" + proxy.getPort());
            blobStore.setOrigin(EmbeddedNotifications.origin(root, accessKey, clientIp, endpoint.toString()));
            return new EmbeddedS3Server(proxy, context, endpoint, accessKey, secretKey);
        } catch (Exception e) {
            if (context != null) {
                context.close();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new StoreException("cannot start the embedded S3 server on " + host + ":" + port
                    + " for " + dataDir + ": " + e, null, e);
        }
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:41873}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * A MinIO client for this server (region {@code us-east-1}, so no location lookups), on
     * {@link MinioArtifactStore#sharedHttpClient()}; closing it leaves that shared client open.
     */
    public MinioClient newClient() {
        return MinioClient.builder().endpoint(endpoint.toString()).credentials(accessKey, secretKey)
                .region("us-east-1").httpClient(MinioArtifactStore.sharedHttpClient(), false).build();
    }

    /**
     * An {@link ArtifactStore} on {@code bucket} of this server, with the bucket created.
     *
     * @throws StoreException when the bucket cannot be created
     */
    public MinioArtifactStore store(String bucket) {
        return MinioArtifactStore.connect(endpoint.toString(), accessKey, secretKey, "us-east-1", bucket)
                .ensureBucket();
    }

    /** Stops the server and releases the backend; objects stay on disk. */
    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new StoreException("stopping the embedded S3 server failed: " + e, null, e);
        } finally {
            context.close();
        }
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
