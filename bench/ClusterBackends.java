import dev.relay.runner.store.EmbeddedS3Server;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the cluster profile's functions app talks to, on loopback: S3Proxy (the runner's
 * EmbeddedS3Server, as the runner's tests start it) in place of MinIO, an embedded PostgreSQL
 * (zonky, as PostgresRunIndexTest starts it) for the index, and fabric8's CRUD mock API server for
 * the Jobs, with a kubeconfig naming it. No Docker. Not a test; asserts nothing.
 *
 * <p>Run with the runner's test class path. Two uses:
 * <ul>
 *   <li>{@code java -cp CP bench/ClusterBackends.java DIR}: bench/bench.py (g). Prints one JSON line
 *       (endpoints, keys, JDBC URL, kubeconfig path) once everything is up, then serves until its
 *       standard input closes, and stops everything.</li>
 *   <li>{@code java -cp CP bench/ClusterBackends.java DIR --train APP_DIR CACHE [JVM_OPTION...]}: the
 *       training run of the functions image's JDK AOT cache (JEP 483/515, JDK 25+; deploy/functions/Dockerfile
 *       and bench (g)). Starts the app in APP_DIR ({@code quarkus-run.jar}, Quarkus's aot-jar packaging)
 *       with this JVM, the given options, {@code -XX:AOTCacheOutput=CACHE} and the cluster profile against
 *       these backends, sends it what a cold start of relay-functions serves (a dev.relay.run.requested
 *       as the Broker delivers it, then the MinIO object event of that run's run.json, which creates the
 *       root task's Job), three times, then stops it with SIGTERM: the JVM writes CACHE as it exits.
 *       Exit status 0 when CACHE was written, 1 otherwise (with the tail of the app's log).</li>
 * </ul>
 */
public class ClusterBackends {
    /** The training run's pipeline: one container step (never run: the Job goes to the mock API server). */
    static final String PIPELINE = "name: train-echo\\ninputs: [{name: text, default: hello}]\\n"
            + "implementation:\\n  container:\\n    image: alpine\\n    command: [echo, {inputValue: text}]\\n";

    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        String access = "bench-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        EmbeddedS3Server s3 = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", 0, access, secret, n -> { });
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
        KubernetesMockServer kube = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        kube.init(InetAddress.getLoopbackAddress(), 0);
        String master = "http://127.0.0.1:" + kube.getPort();
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, String.join("\n",
                "apiVersion: v1", "kind: Config", "current-context: bench",
                "clusters: [{name: bench, cluster: {server: '" + master + "'}}]",
                "users: [{name: bench, user: {token: bench}}]",
                "contexts: [{name: bench, context: {cluster: bench, user: bench, namespace: relay}}]", ""));
        int status = 0;
        try {
            if (args.length > 1 && args[1].equals("--train")) {
                Map<String, String> env = new HashMap<>(Map.of(
                        "KUBECONFIG", kubeconfig.toString(), "RELAY_S3_ENDPOINT", s3.endpoint().toString(),
                        "RELAY_S3_ACCESS_KEY", access, "RELAY_S3_SECRET_KEY", secret,
                        "RELAY_DB_URL", pg.getJdbcUrl("postgres", "postgres"), "RELAY_DB_USER", "postgres",
                        "RELAY_DB_PASSWORD", "postgres", "RELAY_API_TOKEN", "train-api-token",
                        "RELAY_WEBHOOK_TOKEN", "train-webhook-token", "RELAY_NAMESPACE", "relay"));
                env.put("RELAY_LAUNCHER_IMAGE", "registry.example/relay-launcher:train");
                status = train(Path.of(args[2]).toAbsolutePath(), Path.of(args[3]).toAbsolutePath(),
                        List.of(args).subList(4, args.length), env, dir);
            } else {
                System.out.printf("{\"s3\": \"%s\", \"accessKey\": \"%s\", \"secretKey\": \"%s\", \"db\": \"%s\", \"dbUser\": \"postgres\","
                                + " \"dbPassword\": \"postgres\", \"kube\": \"%s\", \"kubeconfig\": \"%s\"}%n",
                        s3.endpoint(), access, secret, pg.getJdbcUrl("postgres", "postgres"), master, kubeconfig);
                System.out.flush();
                try (InputStream in = System.in) {
                    while (in.read() >= 0) {
                        // until the bench closes our standard input
                    }
                }
            }
        } finally {
            kube.destroy();
            pg.close();
            s3.close();
        }
        System.exit(status);
    }

    /** The AOT cache's training run (see the class comment); returns the exit status. */
    static int train(Path app, Path cache, List<String> jvmOptions, Map<String, String> env, Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-Dquarkus.profile=cluster", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port, "-jar", "quarkus-run.jar"));
        Path log = dir.resolve("train-app.log");
        Files.deleteIfExists(cache);
        ProcessBuilder pb = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process proc = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/");
        try {
            for (int round = 0; round < 3; round++) {
                String requested = "{\"specversion\": \"1.0\", \"id\": \"train-" + round + "\", \"source\": \"/train\","
                        + " \"type\": \"dev.relay.run.requested\", \"datacontenttype\": \"application/json\","
                        + " \"data\": {\"pipeline\": {\"inline\": \"" + PIPELINE + "\"}, \"parameters\": {}}}";
                HttpResponse<String> answer = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                while (answer == null && proc.isAlive() && System.nanoTime() < deadline) {
                    try {
                        answer = post(http, uri, requested);
                    } catch (java.io.IOException notYet) {
                        Thread.sleep(20);
                    }
                }
                Matcher run = answer == null ? null : Pattern.compile("\"runId\"\\s*:\\s*\"([^\"]+)\"").matcher(answer.body());
                if (answer == null || answer.statusCode() != 200 || !run.find()) {
                    System.err.println("training: the run.requested event got " + (answer == null ? "no answer"
                            : answer.statusCode() + " " + answer.body()));
                    return fail(proc, log);
                }
                String record = "{\"eventVersion\": \"2.0\", \"eventSource\": \"minio:s3\", \"eventName\": \"s3:ObjectCreated:Put\","
                        + " \"s3\": {\"bucket\": {\"name\": \"mlpipeline\"}, \"object\": {\"key\": \"runs/" + run.group(1)
                        + "/run.json\", \"sequencer\": \"1\"}}}";
                HttpResponse<String> created = post(http, uri, "{\"specversion\": \"1.0\", \"id\": \"train-obj-" + round
                        + "\", \"source\": \"minio:s3..mlpipeline\", \"type\": \"com.amazonaws.s3.ObjectCreated:Put\","
                        + " \"datacontenttype\": \"application/json\", \"data\": " + record + "}");
                if (created.statusCode() != 200) {
                    System.err.println("training: the run.json event got " + created.statusCode() + " " + created.body());
                    return fail(proc, log);
                }
            }
            proc.destroy(); // SIGTERM: Quarkus stops, the JVM records and assembles the cache as it exits
            if (!proc.waitFor(600, TimeUnit.SECONDS)) {
                System.err.println("training: the app did not exit within 600 s of SIGTERM");
                return fail(proc, log);
            }
            if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
                System.err.println("training: the JVM wrote no cache " + cache);
                return fail(proc, log);
            }
            System.out.println("training: wrote " + cache + " (" + Files.size(cache) / (1024 * 1024) + " MiB)");
            return 0;
        } finally {
            proc.destroyForcibly();
        }
    }

    static HttpResponse<String> post(HttpClient http, URI uri, String event) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int fail(Process proc, Path log) throws Exception {
        proc.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(log);
        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(System.err::println);
        return 1;
    }
}
