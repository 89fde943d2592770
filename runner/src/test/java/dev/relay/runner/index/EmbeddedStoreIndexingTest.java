package dev.relay.runner.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.EmbeddedS3Server;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexer behind real bucket notifications: the embedded S3 server (S3Proxy, MinIO SDK)
 * emits a MinIO record per write, turned into the S3-adapter record the runtime hands its
 * observers. Store-backed table sources stored raw, as .tgz and as a plain .tar give the same rows.
 */
class EmbeddedStoreIndexingTest {
    @TempDir Path dir;

    @Test
    void tableSourcesInTheStoreGiveTheSameRowsRawTgzAndTar() throws Exception {
        ExecutorService events = Executors.newSingleThreadExecutor();
        List<String> warnings = new ArrayList<>();
        ObjectIndexer[] indexer = new ObjectIndexer[1];
        try (EmbeddedS3Server server = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", 0, "minio", "minio123",
                envelope -> events.execute(() -> S3CloudEvents.toCloudEvents(envelope)
                        .forEach(e -> indexer[0].onObject(S3CloudEvents.toRecord(e)))));
             IndexDatabase db = IndexDatabase.h2(dir)) {
            ArtifactStore store = server.store("mlpipeline").ensureBucket();
            RunIndex index = new RunIndex(db);
            indexer[0] = new ObjectIndexer(store, index, warnings::add);

            byte[] csv = Fixtures.utf8("epoch,loss\n1,0.5\n2,\"0.25\"\n");
            String raw = RunLayout.output("r1", "train", "raw");
            String tgz = RunLayout.output("r1", "train", "curve.tgz");
            String tar = RunLayout.output("r1", "train", "curve.tar");
            store.put(raw, csv);
            store.put(tgz, Fixtures.gzip(Fixtures.tar("curve.csv", csv)));
            store.put(tar, Fixtures.tar("curve.csv", csv));
            StringBuilder outputs = new StringBuilder();
            for (String key : List.of(raw, tgz, tar)) {
                outputs.append(outputs.length() == 0 ? "" : ", ").append("{\"type\": \"table\", \"format\": \"csv\",")
                        .append(" \"header\": [\"a\", \"b\"], \"source\": \"")
                        .append(key == tgz ? "s3" : "minio").append("://mlpipeline/").append(key).append("\"}");
            }
            store.put(RunLayout.uiMetadata("r1", "train"), Fixtures.utf8("{\"outputs\": [" + outputs + "]}"));
            store.put(RunLayout.metrics("r1", "train"), Fixtures.utf8("{\"metrics\": [{\"name\": \"loss\", \"numberValue\": 0.25}]}"));
            events.shutdown();
            assertTrue(events.awaitTermination(30, TimeUnit.SECONDS));

            assertEquals(List.of(), warnings);
            assertEquals(List.of(), index.errors("r1"));
            List<Visualization> tables = index.visualizations("r1");
            assertEquals(3, tables.size());
            String expected = "[[\"epoch\",\"loss\"],[\"1\",\"0.5\"],[\"2\",\"0.25\"]]";
            for (Visualization v : tables) {
                assertEquals(expected, v.data().get("rows").toString(), v.source());
            }
            assertEquals(List.of(new Metric("train", 0, "loss", 0.25, null)), index.metrics("r1"));
        } finally {
            events.shutdownNow();
        }
    }
}
