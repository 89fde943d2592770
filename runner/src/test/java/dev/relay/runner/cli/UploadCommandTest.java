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
}
