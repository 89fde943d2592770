package dev.relay.functions.app;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/** Refuses configurations that must not run: the cluster profile without its tokens or endpoint. */
public final class StartupChecks {
    private StartupChecks() {}

    /** @return what is missing (environment variable names), empty when the configuration may start */
    public static List<String> missing(RelayConfig config) {
        List<String> missing = new ArrayList<>();
        if (config.requireTokens()) {
            if (config.apiToken().filter(t -> !t.isBlank()).isEmpty()) {
                missing.add("RELAY_API_TOKEN");
            }
            if (config.webhookToken().filter(t -> !t.isBlank()).isEmpty()) {
                missing.add("RELAY_WEBHOOK_TOKEN");
            }
        }
        if ("s3".equals(config.store()) && config.s3().endpoint().filter(e -> !e.isBlank()).isEmpty()) {
            missing.add("RELAY_S3_ENDPOINT");
        }
        return missing;
    }

    /** @throws ConfigurationException naming every missing variable (never their values) */
    public static void check(RelayConfig config) {
        List<String> missing = missing(config);
        if (!missing.isEmpty()) {
            throw new ConfigurationException("relay refuses to start: set " + String.join(", ", missing)
                    + (config.requireTokens() ? " (the cluster profile requires them)" : ""));
        }
    }
}
