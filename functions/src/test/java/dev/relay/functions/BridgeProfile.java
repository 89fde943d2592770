package dev.relay.functions;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The {@code bridge} profile with no sink (the handler is called directly), against {@link KafkaBridgeResource}. */
public class BridgeProfile implements QuarkusTestProfile {
    @Override
    public String getConfigProfile() {
        return "bridge";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.test-port", "0", "quarkus.http.host", "127.0.0.1",
                "relay.sink", "",
                "relay.read-retry.attempts", "6", "relay.read-retry.initial-delay", "20ms",
                "relay.delivery-retry.attempts", "3", "relay.delivery-retry.initial-delay", "20ms",
                "smallrye.config.mapping.validate-unknown", "false");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBridgeResource.class));
    }
}
