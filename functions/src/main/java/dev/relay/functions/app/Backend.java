package dev.relay.functions.app;

import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.recovery.Recovery;
import dev.relay.runner.run.RunController;
import dev.relay.runner.run.RunService;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.MinioArtifactStore;
import dev.relay.runner.store.StoreException;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The runner's pieces as this app wires them: store, run controller (the engine's driver), run
 * service, pipeline registry. Store {@code embedded}: {@link EmbeddedRuntime} (S3 server in this
 * JVM, local processes) whose notifications go to a {@link NotificationSink}; store {@code s3}: an
 * external endpoint with the launcher of the CDI {@link LauncherFactory} (local processes unless
 * another bean replaces it, e.g. the Kubernetes launcher). Started eagerly: the store is up (and
 * {@code server.json} written) before the first request; the embedded S3 endpoint that
 * {@code server.json} names starts beside the app, on a thread of its own.
 */
@ApplicationScoped
@Startup
public class Backend {
    private static final Logger LOG = Logger.getLogger(Backend.class);

    private final EmbeddedRuntime runtime;
    private final ArtifactStore store;
    private final RunController controller;
    private final RunService runs;
    private final PipelineRegistry registry;
    private final Launcher launcher;
    private final Recovery recovery;
    private final ServerLock serverLock; // embedded: this server's hold on its state dir, null for s3
    private final Object endpointLock = new Object();
    private boolean closed; // guarded by endpointLock

    /**
     * Starts the store (embedded) or connects to it (s3); fails clearly on bad configuration.
     *
     * @param listeners a {@link LaunchListener} bean, if any, sees local executions (embedded)
     */
    @Inject
    public Backend(RelayConfig config, LauncherFactory launchers, Instance<NotificationSink> sinks,
                   Instance<LaunchListener> listeners,
                   @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1") String httpHost,
                   @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort) {
        StartupChecks.check(config, httpHost);
        Clock clock = Clock.systemUTC();
        if ("embedded".equals(config.store())) {
            Path state = Path.of(config.stateDir());
            String http = "http://" + httpHost + ":" + httpPort;
            // One server per state dir, refused before anything of the state dir is touched
            // (server.json, the S3 port, the store).
            this.serverLock = ServerLock.acquire(state, http);
            NotificationSink sink = sinks.get();
            LaunchListener listener = listeners.isResolvable() ? listeners.get() : LaunchListener.NONE;
            EmbeddedRuntime rt;
            int s3Port;
            try {
                s3Port = reservePort(config.s3().port());
                rt = EmbeddedRuntime.start(state, s3Port, listener, sink::accept);
            } catch (RuntimeException e) {
                serverLock.close();
                throw e;
            }
            this.runtime = rt;
            this.store = runtime.store();
            this.controller = runtime.controller();
            this.runs = runtime.runs();
            this.launcher = null;
            this.recovery = runtime.recovery();
            String endpoint = "http://127.0.0.1:" + s3Port;
            // The keys are the state dir's own secrets: named where they are kept, never printed.
            System.out.println("relay: embedded S3 at " + endpoint + " (access key " + runtime.accessKey()
                    + ", secret key in " + state.resolve("secrets.json") + "), bucket " + store.bucket() + ", state " + state
                    + ", HTTP " + http);
            try {
                serverLock.wroteServerJson(writeServerJson(state, endpoint, runtime, http));
            } catch (RuntimeException e) {
                runtime.close();
                serverLock.close();
                throw e;
            }
            startEndpoint();
        } else if ("s3".equals(config.store())) {
            String endpoint = config.s3().endpoint().orElseThrow(() -> new ConfigurationException(
                    "relay.store=s3 needs RELAY_S3_ENDPOINT (relay.s3.endpoint)"));
            // The S3 client is made, and the bucket checked, on a thread of its own while the launcher
            // (the Kubernetes client in the cluster) and the rest of the app start: every store call
            // waits for it, so nothing reads or writes before the bucket check is done.
            ArtifactStore s = LazyStore.of(config.bucket(), () -> {
                MinioArtifactStore m = MinioArtifactStore.connect(endpoint, config.s3().accessKey(), config.s3().secretKey(),
                        config.s3().region(), config.bucket());
                try {
                    m.ensureBucket();
                } catch (RuntimeException e) {
                    LOG.warnf("relay: cannot check or create bucket %s (%s); continuing", config.bucket(), e.getMessage());
                }
                return m;
            });
            this.runtime = null;
            this.serverLock = null;
            this.store = s;
            this.launcher = launchers.create(s);
            this.controller = new RunController(store, launcher, clock);
            this.runs = new RunService(store, clock);
            // executions are Jobs here: no local records; the sweep still ends runs, picks up lost
            // notifications, and takes an attempt whose Job is gone for lost
            this.recovery = Recovery.of(store, null, controller::evaluate, clock,
                    launcher instanceof dev.relay.runner.recovery.RemoteExecutions r ? r : null);
            LOG.infof("relay: S3 store %s, bucket %s, launcher %s", endpoint, config.bucket(),
                    launcher.getClass().getSimpleName());
        } else {
            throw new ConfigurationException("relay.store must be 'embedded' or 's3', not '" + config.store() + "'");
        }
        this.registry = new PipelineRegistry(store, clock);
    }

    /**
     * The embedded S3 endpoint's port, known before the endpoint runs so that {@code server.json}
     * is written at once: the configured one (refused when taken, as the endpoint itself would),
     * or a free one of the system's choosing for 0.
     */
    private static int reservePort(int configured) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), configured));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StoreException("cannot start the embedded S3 server on 127.0.0.1:" + configured + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * Starts the S3 endpoint (S3Proxy and Jetty: most of the start-up's CPU when it was on the main
     * thread) on a thread of its own: nothing in this app needs it (the store writes its files
     * in-process), only {@code relay upload} and other S3 clients reading {@code server.json}, and
     * they can reach it within about a second of the start. A caller of
     * {@code runtime().endpoint()} meanwhile waits for it; a failure is logged, and the next such
     * call tries again.
     */
    private void startEndpoint() {
        Thread t = new Thread(() -> {
            synchronized (endpointLock) {
                if (closed) {
                    return;
                }
                try {
                    runtime.endpoint();
                } catch (RuntimeException e) {
                    LOG.warnf("relay: the embedded S3 endpoint did not start (relay upload cannot reach it): %s", e.getMessage());
                }
            }
        }, "relay-s3-endpoint");
        t.setDaemon(true);
        t.start();
    }

    /** Writes {@code server.json} (mode 0600, atomically); @return its bytes */
    private static byte[] writeServerJson(Path state, String endpoint, EmbeddedRuntime rt, String http) {
        Map<String, String> doc = new LinkedHashMap<>();
        doc.put("s3Endpoint", endpoint);
        doc.put("accessKey", rt.accessKey());
        doc.put("secretKey", rt.secretKey());
        doc.put("http", http);
        Path file = state.resolve("server.json");
        try {
            Path tmp = Files.createTempFile(state, ".server-", ".json");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException | IOException ignored) {
                // not a POSIX file system: the state dir's own permissions apply
            }
            byte[] bytes = Json.bytes(doc);
            Files.write(tmp, bytes);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the Relay bucket's store */
    public ArtifactStore store() {
        return store;
    }

    /** @return the run controller that the artifact function drives */
    public RunController controller() {
        return controller;
    }

    /** @return the service that writes {@code run.json} */
    public RunService runs() {
        return runs;
    }

    /** @return the pipeline registry */
    public PipelineRegistry registry() {
        return registry;
    }

    /**
     * @return crash recovery of the bucket: {@code recovery().sweep()}, {@code recovery().retry()}
     *     (retry and resume), {@code recovery().executions()} (local execution records, null for s3)
     */
    public Recovery recovery() {
        return recovery;
    }

    /** @return the embedded runtime, or null for store {@code s3} */
    public EmbeddedRuntime runtime() {
        return runtime;
    }

    /**
     * Stops the embedded store and the launcher; objects stay. Embedded: removes {@code server.json}
     * if it is still this server's and releases the state dir's server lock ({@link ServerLock}).
     */
    @PreDestroy
    void close() {
        synchronized (endpointLock) {
            closed = true; // an endpoint not started yet never starts
        }
        if (runtime != null) {
            runtime.close();
        }
        if (serverLock != null) {
            serverLock.close();
        }
        if (launcher != null) {
            launcher.close();
        }
        if (store instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warnf("closing the store: %s", e.getMessage());
            }
        }
    }
}
