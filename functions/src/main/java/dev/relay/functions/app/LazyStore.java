package dev.relay.functions.app;

import dev.relay.runner.store.ArtifactStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * An {@link ArtifactStore} whose real store is made on a thread of its own, so that the app's
 * start-up goes on meanwhile: its bucket is known at once, every other call waits for the real
 * store and goes to it (a store that could not be made throws its failure on each call). The cluster
 * profile's S3 client (the MinIO SDK and its HTTP client) and its bucket check cost a good part of
 * the start-up before the first CloudEvent.
 */
final class LazyStore {
    private static final Logger LOG = Logger.getLogger(LazyStore.class);

    private LazyStore() {}

    /**
     * @param bucket the store's bucket (answered without waiting)
     * @param make   makes the real store, on a daemon thread started now
     * @return the store, also {@link AutoCloseable}: closing waits for the real one and closes it if it is
     */
    static ArtifactStore of(String bucket, Supplier<? extends ArtifactStore> make) {
        CompletableFuture<ArtifactStore> real = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                real.complete(make.get());
            } catch (RuntimeException | Error e) {
                LOG.errorf("relay: the store cannot be used: %s", e.getMessage());
                real.completeExceptionally(e);
            }
        }, "relay-store-open");
        t.setDaemon(true);
        t.start();
        return (ArtifactStore) Proxy.newProxyInstance(LazyStore.class.getClassLoader(),
                new Class<?>[] {ArtifactStore.class, AutoCloseable.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "bucket":
                            if (method.getParameterCount() == 0) {
                                return bucket;
                            }
                            break;
                        case "close":
                            if (method.getParameterCount() == 0) {
                                ArtifactStore s = real.exceptionally(e -> null).join();
                                if (s instanceof AutoCloseable c) {
                                    c.close();
                                }
                                return null;
                            }
                            break;
                        case "toString":
                            if (method.getParameterCount() == 0) {
                                return "LazyStore[" + bucket + "]";
                            }
                            break;
                        case "hashCode":
                            if (method.getParameterCount() == 0) {
                                return System.identityHashCode(proxy);
                            }
                            break;
                        case "equals":
                            if (method.getParameterCount() == 1) {
                                return proxy == args[0];
                            }
                            break;
                        default:
                            break;
                    }
                    ArtifactStore s;
                    try {
                        s = real.join();
                    } catch (CompletionException e) {
                        throw e.getCause();
                    }
                    try {
                        return method.invoke(s, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
