package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.app.RelayConfig;
import dev.relay.functions.app.StartupChecks;
import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cluster profile refuses to start without its tokens and endpoint, naming them and never their values. */
class StartupChecksTest {
    static RelayConfig config(Map<String, Object> values) {
        RelayConfig.S3 s3 = (RelayConfig.S3) java.lang.reflect.Proxy.newProxyInstance(RelayConfig.class.getClassLoader(),
                new Class<?>[] {RelayConfig.S3.class}, (p, m, a) -> m.getName().equals("endpoint")
                        ? Optional.ofNullable((String) values.get("endpoint")) : null);
        return (RelayConfig) java.lang.reflect.Proxy.newProxyInstance(RelayConfig.class.getClassLoader(),
                new Class<?>[] {RelayConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "requireTokens" -> values.getOrDefault("requireTokens", false);
                    case "store" -> values.getOrDefault("store", "embedded");
                    case "apiToken" -> Optional.ofNullable((String) values.get("apiToken"));
                    case "webhookToken" -> Optional.ofNullable((String) values.get("webhookToken"));
                    case "eventAuth" -> values.getOrDefault("eventAuth", "token");
                    case "s3" -> s3;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void theClusterConfigurationNeedsBothTokensAndAnEndpoint() {
        assertTrue(StartupChecks.missing(config(Map.of())).isEmpty(), "embedded: nothing required");
        RelayConfig cluster = config(Map.of("requireTokens", true, "store", "s3", "apiToken", "s3cr3t-api"));
        assertEquals(List.of("RELAY_WEBHOOK_TOKEN", "RELAY_S3_ENDPOINT"), StartupChecks.missing(cluster));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> StartupChecks.check(cluster));
        assertTrue(e.getMessage().contains("RELAY_WEBHOOK_TOKEN") && e.getMessage().contains("RELAY_S3_ENDPOINT"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t-api"), "a secret never appears in the message");
        assertTrue(StartupChecks.missing(config(Map.of("requireTokens", true, "store", "s3", "apiToken", "a", "webhookToken", "b",
                "endpoint", "http://minio:9000"))).isEmpty());
        assertEquals(List.of("RELAY_API_TOKEN", "RELAY_WEBHOOK_TOKEN"),
                StartupChecks.missing(config(Map.of("requireTokens", true, "apiToken", " "))));
    }

    /** Issue 13: {@code relay server --host 0.0.0.0} without tokens refuses to start, naming both tokens. */
    @Test
    void anAppBeyondLoopbackNeedsBothTokens() {
        RelayConfig open = config(Map.of());
        for (String host : List.of("127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3")) {
            assertTrue(StartupChecks.missing(open, host).isEmpty(), host);
        }
        for (String host : List.of("0.0.0.0", "::", "192.168.1.10", "example.com")) {
            assertEquals(List.of("RELAY_API_TOKEN", "RELAY_WEBHOOK_TOKEN"), StartupChecks.missing(open, host), host);
        }
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> StartupChecks.check(open, "0.0.0.0"));
        assertTrue(e.getMessage().contains("0.0.0.0") && e.getMessage().contains("RELAY_API_TOKEN"), e.getMessage());
        assertTrue(StartupChecks.missing(config(Map.of("apiToken", "a", "webhookToken", "b")), "0.0.0.0").isEmpty());
        assertEquals(List.of("RELAY_EVENT_AUTH (token or cluster-local, not 'none')"),
                StartupChecks.missing(config(Map.of("eventAuth", "none"))));
    }
}
