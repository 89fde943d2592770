package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.app.Backend;
import dev.relay.functions.app.LauncherFactory;
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
                new Class<?>[] {RelayConfig.S3.class}, (p, m, a) -> switch (m.getName()) {
                    case "endpoint" -> Optional.ofNullable((String) values.get("endpoint"));
                    case "accessKey" -> values.getOrDefault("accessKey", "minio");
                    case "secretKey" -> values.getOrDefault("secretKey", "minio123");
                    case "region" -> "us-east-1";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (RelayConfig) java.lang.reflect.Proxy.newProxyInstance(RelayConfig.class.getClassLoader(),
                new Class<?>[] {RelayConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "requireTokens" -> values.getOrDefault("requireTokens", false);
                    case "store" -> values.getOrDefault("store", "embedded");
                    case "apiToken" -> Optional.ofNullable((String) values.get("apiToken"));
                    case "webhookToken" -> Optional.ofNullable((String) values.get("webhookToken"));
                    case "eventAuth" -> values.getOrDefault("eventAuth", "token");
                    case "bucket" -> values.getOrDefault("bucket", "mlpipeline");
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

    static final Map<String, Object> CLUSTER = Map.of("requireTokens", true, "store", "s3", "apiToken", "a", "webhookToken", "b");

    static RelayConfig cluster(String key, String value) {
        Map<String, Object> values = new java.util.HashMap<>(CLUSTER);
        values.put("endpoint", "http://minio.kubeflow:9000");
        values.put(key, value);
        return config(values);
    }

    /** A malformed endpoint or bucket failed only at the first store call, made lazily after the start. */
    @Test
    void aMalformedEndpointOrBucketOrABlankKeyIsRefusedAtTheStartNamingTheSettingAndWhatWasExpected() {
        for (String good : List.of("http://minio.kubeflow:9000", "https://s3.amazonaws.com", "http://10.0.0.7:9000/",
                "http://[::1]:9000", "HTTP://minio_1:9000", "http://localhost")) {
            assertEquals(List.of(), StartupChecks.malformed(cluster("endpoint", good)), good);
        }
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("minio:9000", "no scheme");
        bad.put("minio.kubeflow", "no scheme");
        bad.put("ftp://minio:21", "scheme 'ftp'");
        bad.put("http://", "not a URL");
        bad.put("http:///mlpipeline", "no host");
        bad.put("http://:9000", "no host");
        bad.put("http://minio:port", "port 'port'");
        bad.put("http://minio:99999", "port '99999'");
        bad.put("http://minio:9000/mlpipeline", "a path (/mlpipeline)");
        bad.put("http://minio:9000?x=1", "a query or fragment");
        bad.put("http://mini o:9000", "not a URL");
        bad.put("http://key:s3cr3t@minio:9000", "user info");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            List<String> problems = StartupChecks.malformed(cluster("endpoint", b.getKey()));
            assertEquals(1, problems.size(), b.getKey() + ": " + problems);
            String p = problems.get(0);
            assertTrue(p.startsWith("RELAY_S3_ENDPOINT (relay.s3.endpoint): expected an http:// or https:// URL"), p);
            assertTrue(p.contains(b.getValue()), b.getKey() + ": " + p);
        }
        assertFalse(StartupChecks.malformed(cluster("endpoint", "http://key:s3cr3t@minio:9000")).get(0).contains("s3cr3t"));

        for (String good : List.of("mlpipeline", "my-bucket.v2", "abc", "a".repeat(63))) {
            assertEquals(List.of(), StartupChecks.malformed(cluster("bucket", good)), good);
        }
        for (String b : List.of("ab", "a".repeat(64), "MLPipeline", "my_bucket", "-abc", "abc.", "a..b", "a.-b", "192.168.1.1")) {
            List<String> problems = StartupChecks.malformed(cluster("bucket", b));
            assertEquals(1, problems.size(), b + ": " + problems);
            assertTrue(problems.get(0).startsWith("RELAY_BUCKET (relay.bucket): expected an S3 bucket name")
                    && problems.get(0).contains("'" + b + "'"), problems.get(0));
        }
        assertEquals(List.of(), StartupChecks.malformed(config(Map.of("bucket", "Not_Checked"))), "embedded: a directory name");

        assertEquals(List.of("RELAY_S3_SECRET_KEY"), StartupChecks.missing(cluster("secretKey", " ")));
        assertEquals(List.of("RELAY_S3_ACCESS_KEY"), StartupChecks.missing(cluster("accessKey", "")));

        RelayConfig malformed = cluster("endpoint", "minio:9000");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> StartupChecks.check(malformed));
        assertEquals("relay refuses to start: fix RELAY_S3_ENDPOINT (relay.s3.endpoint): expected an http:// or https://"
                + " URL with a host and at most a port, e.g. http://minio.kubeflow:9000, not 'minio:9000'"
                + " (no scheme (or scheme 'minio'))", e.getMessage());
    }

    /**
     * The app's start ({@link Backend}'s constructor, which Quarkus runs at start-up) fails on a malformed
     * endpoint before any store, launcher or Kubernetes client is made: before, it started and the lazily
     * made store threw at the first call.
     */
    @Test
    void theAppsStartFailsOnAMalformedEndpoint() {
        LauncherFactory launchers = s -> {
            throw new AssertionError("no launcher is made for a refused configuration");
        };
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new Backend(cluster("endpoint", "minio.kubeflow.svc:9000"), launchers, null, null, "0.0.0.0", 8080));
        assertTrue(e.getMessage().startsWith("relay refuses to start: fix RELAY_S3_ENDPOINT (relay.s3.endpoint): expected"
                + " an http:// or https:// URL"), e.getMessage());
        assertTrue(e.getMessage().contains("not 'minio.kubeflow.svc:9000'"), e.getMessage());
        assertFalse(e.getMessage().contains("minio123"), "a key never appears");
    }
}
