package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3Notifications;
import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.store.EmbeddedS3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadCommandTest {
    @TempDir Path state;

    @Test
    void uploadsThroughTheRunningServersEndpointAndCreatesTheBucket() throws Exception {
        LinkedBlockingQueue<byte[]> notes = new LinkedBlockingQueue<>();
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(state.resolve("s3"), "127.0.0.1", 0, "minio", "minio123", notes::add)) {
            Files.writeString(state.resolve("server.json"), "{\"s3Endpoint\": \"" + s3.endpoint() + "\", \"accessKey\": \"minio\", \"secretKey\": \"minio123\"}");
            Path csv = Files.writeString(state.resolve("iris.csv"), "a,b\n1,2\n");
            Cli r = Cli.run("upload", csv.toString(), "s3://datasets/incoming/iris v2+final.csv", "--state-dir", state.toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals("uploaded " + csv + " to s3://datasets/incoming/iris v2+final.csv", r.out().strip());
            List<S3Record> recs = S3Notifications.parse(notes.poll(10, TimeUnit.SECONDS));
            assertEquals("incoming/iris v2+final.csv", recs.get(0).key());
            assertEquals("datasets", recs.get(0).bucket());
        }
    }

    @Test
    void saysSoWhenNoServerRuns() {
        Cli r = Cli.run("upload", RunCommandTest.repo().resolve("README.md").toString(), "s3://datasets/x.csv", "--state-dir", state.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no relay server is running"), r.err());
        Cli dead = Cli.run("upload", RunCommandTest.repo().resolve("README.md").toString(), "s3://datasets/x.csv", "--endpoint", "http://127.0.0.1:1");
        assertEquals(2, dead.exit());
        assertTrue(dead.err().contains("no relay server answers at http://127.0.0.1:1"), dead.err());
    }

    /**
     * After the upload the CLI asks the server what it did ({@code GET /api/v1/objects/outcome},
     * answered here by a stand-in of the server's endpoint, which ObjectOutcomeTest checks on the
     * real app): a trigger that could not start its run is exit 1 with the reason, a started run is
     * named.
     */
    @Test
    void reportsWhatTheServersTriggersDidWithTheUpload() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> answer = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> query = new java.util.concurrent.atomic.AtomicReference<>();
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/objects/outcome", ex -> {
            query.set(ex.getRequestURI().getRawQuery());
            byte[] b = (asked.incrementAndGet() < 3 ? "{\"error\": \"not yet\"}" : answer.get()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(asked.get() < 3 ? 404 : 200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        http.start();
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(state.resolve("s3"), "127.0.0.1", 0, "minio", "minio123", b -> { })) {
            Files.writeString(state.resolve("server.json"), "{\"s3Endpoint\": \"" + s3.endpoint() + "\", \"accessKey\": \"minio\","
                    + " \"secretKey\": \"minio123\", \"http\": \"http://127.0.0.1:" + http.getAddress().getPort() + "\"}");
            Path csv = Files.writeString(state.resolve("iris.csv"), "a,b\n1,2\n");
            answer.set("{\"action\": \"failed\", \"reason\": \"trigger new-dataset: no pipeline 'count-rows' is registered\"}");
            Cli failed = Cli.run("upload", csv.toString(), "s3://mlpipeline/datasets/iris.csv", "--state-dir", state.toString());
            assertEquals(1, failed.exit(), failed.out() + failed.err());
            assertTrue(failed.err().contains("the server's trigger could not start a run: trigger new-dataset: no pipeline 'count-rows'"),
                    failed.err());
            assertTrue(query.get().startsWith("bucket=mlpipeline&key=datasets%2Firis.csv&etag="), query.get());

            asked.set(0);
            answer.set("{\"action\": \"triggered\", \"runs\": {\"new-dataset\": \"r-20261202-000000-abcdef\"}}");
            Cli started = Cli.run("upload", csv.toString(), "s3://mlpipeline/datasets/iris.csv", "--state-dir", state.toString());
            assertEquals(0, started.exit(), started.err());
            assertTrue(started.out().contains("trigger new-dataset started run r-20261202-000000-abcdef"), started.out());
        } finally {
            http.stop(0);
        }
    }
}
