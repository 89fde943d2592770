package dev.relay.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.contract.Json;
import dev.relay.runner.store.MinioArtifactStore;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay upload FILE s3://BUCKET/KEY [--endpoint URL] [--state-dir DIR]}: uploads a file
 * through the running server's S3 endpoint (found in {@code <stateDir>/server.json}, or
 * {@code --endpoint}), creating the bucket if missing, so the store's notification reaches the
 * server's triggers. Then, when the server is found through the state dir, asks it what it did with
 * the upload ({@code GET /api/v1/objects/outcome}, with {@code RELAY_API_TOKEN} when set) for up
 * to {@code --wait} seconds and says so: the runs its triggers started, why none did, or that a
 * trigger matched but could not start its run. Exit 0 uploaded (and no trigger failed), 1 a
 * trigger could not start its run, 2 on any error (no server running, unreadable file).
 */
@Command(name = "upload", description = "Upload a file to the running relay server's S3 store (triggers see it).")
public final class UploadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE") Path file;
    @Parameters(index = "1", paramLabel = "s3://BUCKET/KEY") String target;
    @Option(names = "--endpoint", paramLabel = "URL", description = "S3 endpoint (default: the running server's, from the state dir)") String endpoint;
    @Option(names = "--state-dir", paramLabel = "DIR", description = "state dir of the running server (default: $RELAY_STATE_DIR or .relay)") Path stateDir;
    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "10",
            description = "how long to wait for the server's report on the upload (default ${DEFAULT-VALUE}; 0: do not ask)")
    int waitSeconds;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!target.startsWith("s3://") || target.indexOf('/', 5) < 0 || target.endsWith("/")) {
            err.println("relay upload: target must be s3://BUCKET/KEY, got '" + target + "'");
            return 2;
        }
        String bucket = target.substring(5, target.indexOf('/', 5));
        String key = target.substring(target.indexOf('/', 5) + 1);
        String notFile = InputFiles.problem(file);
        if (notFile != null) {
            err.println("relay upload: " + file + ": " + notFile);
            return 2;
        }
        RelayEnv env = RelayEnv.current();
        String access = env.accessKey();
        String secret = env.secretKey();
        String url = endpoint;
        String http = null;
        if (url == null) {
            Path state = env.stateDir(stateDir);
            Path info = state.resolve("server.json");
            if (!Files.isRegularFile(info)) {
                err.println("relay upload: no relay server is running for the state dir " + state
                        + " (no server.json); start one with ./relay server, or pass --endpoint");
                return 2;
            }
            try {
                JsonNode s = Json.MAPPER.readTree(info.toFile());
                url = s.path("s3Endpoint").asText(null);
                http = s.path("http").asText(null);
                access = s.path("accessKey").asText(access);
                secret = s.path("secretKey").asText(secret);
            } catch (Exception e) {
                err.println("relay upload: " + info + ": unreadable: " + e.getMessage());
                return 2;
            }
        }
        try {
            URI.create(url);
            MinioArtifactStore store = MinioArtifactStore.connect(url, access, secret, null, bucket).ensureBucket();
            store.putFile(key, file);
            out.println("uploaded " + file + " to " + store.uri(key));
            out.flush();
            if (http == null || waitSeconds <= 0) {
                return 0;
            }
            String eTag = store.stat(key).map(i -> i.eTag()).orElse(null);
            int rc = eTag == null ? 0 : report(http, bucket, key, eTag, out, err);
            out.flush();
            err.flush();
            return rc;
        } catch (RuntimeException e) {
            Throwable c = e;
            while (c.getCause() != null && !(c instanceof ConnectException)) {
                c = c.getCause();
            }
            if (c instanceof ConnectException) {
                err.println("relay upload: no relay server answers at " + url + " (is ./relay server running?)");
            } else {
                err.println("relay upload: " + e.getMessage());
            }
            return 2;
        }
    }

    /** Asks the server what it did with the upload; prints it; 1 when a trigger could not start its run. */
    private int report(String http, String bucket, String key, String eTag, PrintWriter out, PrintWriter err) {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String q = "bucket=" + enc(bucket) + "&key=" + enc(key) + "&etag=" + enc(eTag.replace("\"", ""));
        java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(URI.create(http + "/api/v1/objects/outcome?" + q))
                .timeout(java.time.Duration.ofSeconds(5));
        String token = System.getenv("RELAY_API_TOKEN");
        if (token != null && !token.isBlank()) {
            req.header("Authorization", "Bearer " + token);
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(waitSeconds);
        try {
            while (true) {
                java.net.http.HttpResponse<String> r = client.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return describe(Json.MAPPER.readTree(r.body()), out, err);
                }
                if (r.statusCode() != 404) {
                    err.println("relay upload: the server did not say what it did with the upload (HTTP " + r.statusCode() + "): "
                            + r.body());
                    return 0;
                }
                if (System.nanoTime() > deadline) {
                    err.println("relay upload: the server has not reported on the upload within " + waitSeconds + " s");
                    return 0;
                }
                Thread.sleep(100);
            }
        } catch (java.io.IOException e) {
            err.println("relay upload: could not ask the server what it did with the upload: " + e.getMessage());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int describe(JsonNode o, PrintWriter out, PrintWriter err) {
        String reason = o.path("reason").asText("");
        switch (o.path("action").asText()) {
            case "triggered" -> o.path("runs").fields().forEachRemaining(e ->
                    out.println("trigger " + e.getKey() + " started run " + e.getValue().asText()));
            case "failed" -> {
                err.println("relay upload: the server's trigger could not start a run: " + reason);
                return 1;
            }
            case "debounced" -> out.println("collected for a later run: " + reason);
            case "ignored" -> out.println("no run started: " + reason);
            default -> { }
        }
        return 0;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
