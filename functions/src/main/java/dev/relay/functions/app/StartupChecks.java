package dev.relay.functions.app;

import dev.relay.runner.store.S3Settings;
import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses configurations that must not run: the cluster profile without its tokens or endpoint,
 * and an app listening beyond loopback ({@code relay server --host 0.0.0.0}) without its tokens:
 * whoever can reach it could otherwise start any command. For store {@code s3} it also refuses the
 * settings a first store call would refuse ({@link S3Settings}: the endpoint's and the bucket's
 * syntax, blank keys), since the store itself is made lazily ({@link LazyStore}) and would report
 * them only then, as a failing call, with the app running.
 */
public final class StartupChecks {
    private StartupChecks() {}

    /** @return what is missing for an app on 127.0.0.1 (environment variable names), empty when it may start */
    public static List<String> missing(RelayConfig config) {
        return missing(config, "127.0.0.1");
    }

    /**
     * @param httpHost the address the HTTP server binds ({@code quarkus.http.host})
     * @return what is missing (environment variable names), empty when the configuration may start
     */
    public static List<String> missing(RelayConfig config, String httpHost) {
        List<String> missing = new ArrayList<>();
        if (config.requireTokens() || !isLoopback(httpHost)) {
            if (config.apiToken().filter(t -> !t.isBlank()).isEmpty()) {
                missing.add("RELAY_API_TOKEN");
            }
            if (config.webhookToken().filter(t -> !t.isBlank()).isEmpty()) {
                missing.add("RELAY_WEBHOOK_TOKEN");
            }
        }
        if (!"token".equals(config.eventAuth()) && !"cluster-local".equals(config.eventAuth())) {
            missing.add("RELAY_EVENT_AUTH (token or cluster-local, not '" + config.eventAuth() + "')");
        }
        if ("s3".equals(config.store())) {
            if (config.s3().endpoint().filter(e -> !e.isBlank()).isEmpty()) {
                missing.add("RELAY_S3_ENDPOINT");
            }
            if (config.s3().accessKey() == null || config.s3().accessKey().isBlank()) {
                missing.add("RELAY_S3_ACCESS_KEY");
            }
            if (config.s3().secretKey() == null || config.s3().secretKey().isBlank()) {
                missing.add("RELAY_S3_SECRET_KEY");
            }
        }
        return missing;
    }

    /**
     * The settings of store {@code s3} that are set but malformed, each naming its variable, what was
     * expected and (never for a key) what was found, e.g. {@code RELAY_S3_ENDPOINT (relay.s3.endpoint):
     * expected an http:// or https:// URL ..., not 'minio:9000' (no scheme)}; empty for other stores.
     */
    public static List<String> malformed(RelayConfig config) {
        List<String> bad = new ArrayList<>();
        if (!"s3".equals(config.store())) {
            return bad;
        }
        config.s3().endpoint().filter(e -> !e.isBlank()).ifPresent(e -> S3Settings.endpointProblem(e).ifPresent(p ->
                bad.add("RELAY_S3_ENDPOINT (relay.s3.endpoint): expected " + S3Settings.ENDPOINT_EXPECTED + ", not "
                        + (e.contains("@") ? "a URL with user info" : "'" + e.trim() + "'") + " (" + p + ")")));
        S3Settings.bucketProblem(config.bucket()).ifPresent(p -> bad.add("RELAY_BUCKET (relay.bucket): expected "
                + S3Settings.BUCKET_EXPECTED + ", not '" + config.bucket() + "' (" + p + ")"));
        return bad;
    }

    /** @return true for {@code localhost}, {@code 127.0.0.0/8} and {@code ::1}, the only binds that need no token */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** @throws ConfigurationException naming every missing variable (never their values) */
    public static void check(RelayConfig config) {
        check(config, "127.0.0.1");
    }

    /**
     * @throws ConfigurationException naming every missing variable (never their values) and every
     *     malformed one ({@link #malformed}), with what was expected
     */
    public static void check(RelayConfig config, String httpHost) {
        List<String> missing = missing(config, httpHost);
        List<String> malformed = malformed(config);
        if (missing.isEmpty() && malformed.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder("relay refuses to start: ");
        if (!missing.isEmpty()) {
            m.append("set ").append(String.join(", ", missing))
                    .append(config.requireTokens() ? " (the cluster profile requires them)"
                    : !isLoopback(httpHost) ? " (it listens on " + httpHost + ", beyond loopback: anyone who reaches it"
                    + " could start commands; or bind 127.0.0.1)" : "");
        }
        if (!malformed.isEmpty()) {
            m.append(missing.isEmpty() ? "" : "; ").append("fix ").append(String.join("; ", malformed));
        }
        throw new ConfigurationException(m.toString());
    }
}
