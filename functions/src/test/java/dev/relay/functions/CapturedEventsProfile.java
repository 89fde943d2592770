package dev.relay.functions;

import dev.relay.functions.app.NotificationSink;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.LaunchListener;
import io.quarkus.test.junit.QuarkusTestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded store with its notifications captured instead of delivered (the test posts them
 * over HTTP as the Broker would), launches counted, and both tokens set.
 */
public class CapturedEventsProfile implements QuarkusTestProfile {
    /** The API token of this profile. */
    public static final String API_TOKEN = "api-secret-token";
    /** The webhook token of this profile. */
    public static final String WEBHOOK_TOKEN = "webhook-secret-token";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("relay.api-token", API_TOKEN, "relay.webhook-token", WEBHOOK_TOKEN,
                "relay.state-dir", "target/relay-test-state-captured");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(CapturingSink.class, CountingListener.class);
    }

    /** Keeps every envelope the embedded store emits. */
    @Alternative
    @ApplicationScoped
    public static class CapturingSink implements NotificationSink {
        /** Envelopes in emission order. */
        public static final LinkedBlockingQueue<byte[]> QUEUE = new LinkedBlockingQueue<>();

        @Override
        public void accept(byte[] envelope) {
            QUEUE.add(envelope);
        }
    }

    /** Counts process starts per execution id. */
    @Alternative
    @ApplicationScoped
    public static class CountingListener implements LaunchListener {
        /** Execution id → starts. */
        public static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();

        @Override
        public void started(ExecutionRequest request) {
            STARTS.computeIfAbsent(request.executionId(), k -> new AtomicInteger()).incrementAndGet();
        }
    }
}
