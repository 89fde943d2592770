package dev.relay.runner.local;

import dev.relay.runner.contract.StateSecrets;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.event.ObjectEventHandler;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.recovery.LocalExecutions;
import dev.relay.runner.recovery.Recovery;
import dev.relay.runner.run.RunController;
import dev.relay.runner.run.RunService;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.FilesystemArtifactStore;
import dev.relay.runner.store.ReadWait;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded default on one machine, wired as the cluster is but with the edges swapped
 * (docs/architecture.md §5): the bucket as files under {@code <stateDir>/s3}, written in-process by a
 * {@link FilesystemArtifactStore} that emits the MinIO notification record of each write; an S3
 * endpoint on the same files (S3Proxy, which notifies its writes the same way) started only when
 * something asks for it ({@link #endpoint()}); an in-process queue that turns each record into the
 * S3-adapter CloudEvent and delivers it to the {@link ObjectEventHandler} the {@code artifact} function wraps;
 * local processes for executions. Nothing polls: runs advance only on notifications.
 */
public final class EmbeddedRuntime implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private final Consumer<byte[]> sink;
    private EmbeddedS3Server server; // guarded by this; started by the first endpoint()
    private final ArtifactStore store;
    private final LocalLauncher launcher;
    private final RunController controller;
    private final ObjectEventHandler objectEvents;
    private final RunService runs;
    private final LocalExecutions executions;
    private final Recovery recovery;
    private final ExecutorService events;
    private final List<Consumer<S3Record>> observers = new CopyOnWriteArrayList<>();
    private final String accessKey;
    private final String secretKey;

    private EmbeddedRuntime(Path stateDir, String bucket, String accessKey, String secretKey, int port,
                            LaunchListener listener, Clock clock, Consumer<byte[]> notificationSink) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "relay-events");
            t.setDaemon(true);
            return t;
        });
        try {
            Files.createDirectories(stateDir.resolve("s3"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state dir " + stateDir + ": " + e.getMessage(), e);
        }
        this.dataDir = stateDir.resolve("s3");
        this.port = port;
        // once closed, a notification is dropped, not refused: the object is written, and the next
        // start's sweep drives its run (a refusal would fail the write of an execution still finishing)
        this.sink = notificationSink != null ? notificationSink : envelope -> {
            try {
                events.execute(() -> deliver(envelope));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // closed
            }
        };
        this.store = FilesystemArtifactStore.open(dataDir, bucket, accessKey, sink);
        this.executions = new LocalExecutions(stateDir);
        this.launcher = new LocalLauncher(store, stateDir.resolve("work"), listener,
                Runtime.getRuntime().availableProcessors(), clock, executions);
        this.controller = new RunController(store, launcher, clock);
        this.objectEvents = new ObjectEventHandler(store, controller, () -> null, this::observe, ReadWait.DEFAULT);
        this.runs = new RunService(store, clock);
        this.recovery = Recovery.of(store, executions, controller::evaluate, clock);
    }

    /**
     * Starts the store and the event queue. The bucket comes from {@link RelayEnv#current()}
     * ({@code RELAY_BUCKET}), the keys from the state dir's {@link StateSecrets} ({@code
     * RELAY_S3_ACCESS_KEY}, {@code RELAY_S3_SECRET_KEY} override them).
     *
     * @param port the S3 port on 127.0.0.1 once {@link #endpoint()} starts it, 0 for any free one
     * @throws UncheckedIOException when the state dir cannot be created
     */
    public static EmbeddedRuntime start(Path stateDir, int port, LaunchListener listener) {
        return start(stateDir, port, listener, null);
    }

    /**
     * Like {@link #start(Path, int, LaunchListener)}, but the store's notification envelopes go to
     * {@code notificationSink} instead of the in-process queue: the functions app routes them
     * through its {@code artifact} function, a test through Kafka or HTTP. {@link #inject} still
     * uses the in-process queue.
     *
     * @param notificationSink receives each MinIO notification envelope (UTF-8 JSON) on the
     *     store's request thread after the write succeeded; must be quick and thread-safe; null
     *     for the in-process queue
     */
    public static EmbeddedRuntime start(Path stateDir, int port, LaunchListener listener, Consumer<byte[]> notificationSink) {
        RelayEnv env = RelayEnv.current();
        StateSecrets keys = StateSecrets.of(stateDir); // random per state dir, never KFP's well-known ones
        return new EmbeddedRuntime(stateDir, env.bucket(), keys.s3AccessKey(), keys.s3SecretKey(),
                port, listener, Clock.systemUTC(), notificationSink);
    }

    /** @return the access key of the embedded S3 server */
    public String accessKey() {
        return accessKey;
    }

    /** @return the secret key of the embedded S3 server (never log it) */
    public String secretKey() {
        return secretKey;
    }

    /** One notification envelope: each record becomes a CloudEvent, routed like the Broker would. */
    private void deliver(byte[] envelope) {
        List<CloudEvent> cloudEvents;
        try {
            cloudEvents = S3CloudEvents.toCloudEvents(envelope);
        } catch (RuntimeException e) {
            System.err.println("relay: ignored a malformed notification: " + e.getMessage());
            return;
        }
        for (CloudEvent event : cloudEvents) {
            S3Record r = S3CloudEvents.toRecord(event);
            try {
                objectEvents.onRecord(r, event.getData().toBytes()); // the one object-event path, as the artifact function's
            } catch (RuntimeException e) {
                System.err.println("relay: event for " + r.key() + " failed: " + e.getMessage());
            }
        }
    }

    /** The object-event handler's index hook: the observers, in the order they were added. */
    private void observe(S3Record r) {
        for (Consumer<S3Record> o : observers) {
            try {
                o.accept(r);
            } catch (RuntimeException e) {
                System.err.println("relay: observer failed on " + r.key() + ": " + e.getMessage());
            }
        }
    }

    /**
     * Sees each record of a run's documents ({@code run.json}, {@code status.json}s), metrics and
     * UI metadata after the engine acted on it: the {@link ObjectEventHandler}'s index hook, on the
     * event thread.
     */
    public void addObserver(Consumer<S3Record> observer) {
        observers.add(observer);
    }

    public void removeObserver(Consumer<S3Record> observer) {
        observers.remove(observer);
    }

    public ArtifactStore store() {
        return store;
    }

    public RunController controller() {
        return controller;
    }

    public RunService runs() {
        return runs;
    }

    /** @return crash recovery on this state dir: sweep, retry, resume, cancel */
    public Recovery recovery() {
        return recovery;
    }

    /**
     * The S3 endpoint on this runtime's files, started on the first call (S3Proxy: 0.1–2 s, most of
     * it class loading); writes through it notify like the runtime's own.
     *
     * @return e.g. {@code http://127.0.0.1:40123}
     * @throws dev.relay.runner.store.StoreException when the server cannot start (e.g. the port is taken)
     */
    public synchronized String endpoint() {
        if (server == null) {
            server = EmbeddedS3Server.start(dataDir, "127.0.0.1", port, accessKey, secretKey, sink);
        }
        return server.endpoint().toString();
    }

    /** Injects a notification envelope as if the store had emitted it (tests, the webhook). */
    public void inject(byte[] envelope) {
        events.execute(() -> deliver(envelope));
    }

    @Override
    public void close() {
        launcher.close();
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (server != null) {
                server.close();
            }
        }
    }
}
