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
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * {@code server.json} written) before the first request.
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
            NotificationSink sink = sinks.get();
            LaunchListener listener = listeners.isResolvable() ? listeners.get() : LaunchListener.NONE;
            this.runtime = EmbeddedRuntime.start(state, config.s3().port(), listener, sink::accept);
            this.store = runtime.store();
            this.controller = runtime.controller();
            this.runs = runtime.runs();
            this.launcher = null;
            this.recovery = runtime.recovery();
            String http = "http://" + httpHost + ":" + httpPort;
            // The keys are the state dir's own secrets: named where they are kept, never printed.
            System.out.println("relay: embedded S3 at " + runtime.endpoint() + " (access key " + runtime.accessKey()
                    + ", secret key in " + state.resolve("secrets.json") + "), bucket " + store.bucket() + ", state " + state
                    + ", HTTP " + http);
            writeServerJson(state, runtime, http);
        } else if ("s3".equals(config.store())) {
            String endpoint = config.s3().endpoint().orElseThrow(() -> new ConfigurationException(
                    "relay.store=s3 needs RELAY_S3_ENDPOINT (relay.s3.endpoint)"));
            MinioArtifactStore s = MinioArtifactStore.connect(endpoint, config.s3().accessKey(), config.s3().secretKey(),
                    config.s3().region(), config.bucket());
            try {
                s.ensureBucket();
            } catch (RuntimeException e) {
                LOG.warnf("relay: cannot check or create bucket %s (%s); continuing", config.bucket(), e.getMessage());
            }
            this.runtime = null;
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

    private static void writeServerJson(Path state, EmbeddedRuntime rt, String http) {
        Map<String, String> doc = new LinkedHashMap<>();
        doc.put("s3Endpoint", rt.endpoint());
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
            Files.write(tmp, Json.bytes(doc));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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

    /** Stops the embedded store and the launcher; objects stay. */
    @PreDestroy
    void close() {
        if (runtime != null) {
            runtime.close();
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
