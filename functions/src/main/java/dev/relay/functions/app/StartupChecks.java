package dev.relay.functions.app;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses configurations that must not run: the cluster profile without its tokens or endpoint,
 * and an app listening beyond loopback ({@code relay server --host 0.0.0.0}) without its tokens:
 * whoever can reach it could otherwise start any command.
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
        if ("s3".equals(config.store()) && config.s3().endpoint().filter(e -> !e.isBlank()).isEmpty()) {
            missing.add("RELAY_S3_ENDPOINT");
        }
        return missing;
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

    /** @throws ConfigurationException naming every missing variable (never their values) */
    public static void check(RelayConfig config, String httpHost) {
        List<String> missing = missing(config, httpHost);
        if (!missing.isEmpty()) {
            throw new ConfigurationException("relay refuses to start: set " + String.join(", ", missing)
                    + (config.requireTokens() ? " (the cluster profile requires them)"
                    : !isLoopback(httpHost) ? " (it listens on " + httpHost + ", beyond loopback: anyone who reaches it"
                    + " could start commands; or bind 127.0.0.1)" : ""));
        }
    }
}
