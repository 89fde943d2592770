package dev.relay.runner.contract;

import java.nio.file.Path;
import java.util.Map;

/**
 * The environment settings of docs/contracts.md ("Configuration") that the runner reads, read in this
 * one place: every command, the embedded runtime and the index take them from here, so a setting
 * means the same everywhere (a blank value counts as unset).
 *
 * @param stateDir    {@code RELAY_STATE_DIR}, or null (then {@code .relay})
 * @param bucket      {@code RELAY_BUCKET}, default {@code mlpipeline}
 * @param accessKey   {@code RELAY_S3_ACCESS_KEY}, default {@code minio} (KFP's)
 * @param secretKey   {@code RELAY_S3_SECRET_KEY}, default {@code minio123} (KFP's); never log it
 * @param s3Endpoint  {@code RELAY_S3_ENDPOINT} (an S3 URL such as {@code http://minio:9000}), or null
 *                    for the embedded store of the state dir
 * @param dbUrl       {@code RELAY_DB_URL} (PostgreSQL JDBC URL), or null for the H2 file of the state dir
 * @param dbUser      {@code RELAY_DB_USER}, or null
 * @param dbPassword  {@code RELAY_DB_PASSWORD}, or null
 */
public record RelayEnv(String stateDir, String bucket, String accessKey, String secretKey, String s3Endpoint,
                       String dbUrl, String dbUser, String dbPassword) {
    public static final String DEFAULT_BUCKET = "mlpipeline";
    public static final String DEFAULT_ACCESS_KEY = "minio";
    public static final String DEFAULT_SECRET_KEY = "minio123";
    /** The region S3 clients sign with when talking to {@link #s3Endpoint} (MinIO's default). */
    public static final String REGION = "us-east-1";

    /** The settings of the process environment. */
    public static RelayEnv current() {
        return from(System.getenv());
    }

    /** The settings of {@code env} (variable name → value), defaults filled in. */
    public static RelayEnv from(Map<String, String> env) {
        return new RelayEnv(get(env, "RELAY_STATE_DIR", null), get(env, "RELAY_BUCKET", DEFAULT_BUCKET),
                get(env, "RELAY_S3_ACCESS_KEY", DEFAULT_ACCESS_KEY), get(env, "RELAY_S3_SECRET_KEY", DEFAULT_SECRET_KEY),
                get(env, "RELAY_S3_ENDPOINT", null), get(env, "RELAY_DB_URL", null), get(env, "RELAY_DB_USER", null),
                get(env, "RELAY_DB_PASSWORD", null));
    }

    /** Where the embedded state lives: {@code option} ({@code --state-dir}), else {@code RELAY_STATE_DIR}, else {@code .relay}. */
    public Path stateDir(Path option) {
        return option != null ? option : Path.of(stateDir != null ? stateDir : ".relay");
    }

    private static String get(Map<String, String> env, String name, String dflt) {
        String v = env.get(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    @Override
    public String toString() {
        return "RelayEnv[stateDir=" + stateDir + ", bucket=" + bucket + ", s3Endpoint=" + s3Endpoint + ", dbUrl="
                + (dbUrl == null ? null : "(set)") + "]";
    }
}
