package dev.relay.functions.app;

import dev.relay.runner.contract.RelayEnv;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The environment settings that the runner reads ({@link RelayEnv}: {@code RELAY_STATE_DIR},
 * {@code RELAY_BUCKET}, {@code RELAY_S3_ENDPOINT}, {@code RELAY_S3_ACCESS_KEY},
 * {@code RELAY_S3_SECRET_KEY}) as {@link RelayConfig}'s {@code relay.*} properties, so that the app
 * and the CLI read them once, by one rule (a blank value counts as unset). Only variables that are
 * set become properties: an unset one leaves {@code application.properties} and the defaults in
 * charge. Ordinal 300, the environment's.
 */
public class RelayEnvConfigSource implements ConfigSource {
    private final Map<String, String> properties;

    /** The process environment's settings. */
    public RelayEnvConfigSource() {
        this(System.getenv());
    }

    /** @param env variable name → value */
    public RelayEnvConfigSource(Map<String, String> env) {
        RelayEnv e = RelayEnv.from(env);
        Map<String, String> p = new LinkedHashMap<>();
        putIfSet(p, "relay.state-dir", e.stateDir(), env, "RELAY_STATE_DIR");
        putIfSet(p, "relay.bucket", e.bucket(), env, "RELAY_BUCKET");
        putIfSet(p, "relay.s3.endpoint", e.s3Endpoint(), env, "RELAY_S3_ENDPOINT");
        putIfSet(p, "relay.s3.access-key", e.accessKey(), env, "RELAY_S3_ACCESS_KEY");
        putIfSet(p, "relay.s3.secret-key", e.secretKey(), env, "RELAY_S3_SECRET_KEY");
        this.properties = Map.copyOf(p);
    }

    /** A property only for a variable that is set (RelayEnv's value then, never its default). */
    private static void putIfSet(Map<String, String> p, String property, String value, Map<String, String> env,
                                 String variable) {
        String raw = env.get(variable);
        if (raw != null && !raw.isBlank()) {
            p.put(property, value);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "RelayEnv";
    }

    @Override
    public int getOrdinal() {
        return 300;
    }
}
