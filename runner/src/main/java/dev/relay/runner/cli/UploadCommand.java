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
 * server's triggers. Exit 0 uploaded, 2 on any error (no server running, unreadable file).
 */
@Command(name = "upload", description = "Upload a file to the running relay server's S3 store (triggers see it).")
public final class UploadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE") Path file;
    @Parameters(index = "1", paramLabel = "s3://BUCKET/KEY") String target;
    @Option(names = "--endpoint", paramLabel = "URL", description = "S3 endpoint (default: the running server's, from the state dir)") String endpoint;
    @Option(names = "--state-dir", paramLabel = "DIR", description = "state dir of the running server (default: $RELAY_STATE_DIR or .relay)") Path stateDir;
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
        if (!Files.isRegularFile(file)) {
            err.println("relay upload: " + file + ": no such file");
            return 2;
        }
        RelayEnv env = RelayEnv.current();
        String access = env.accessKey();
        String secret = env.secretKey();
        String url = endpoint;
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
            return 0;
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
}
