package dev.relay.runner.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3Notifications;
import dev.relay.eventing.s3.S3Record;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S3Proxy in-process + the MinIO SDK: the embedded store as {@code relay run} uses it. */
class EmbeddedS3ServerTest {

    static final String BUCKET = "mlpipeline";
    static final List<byte[]> NOTIFICATIONS = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dataDir;

    static EmbeddedS3Server server;
    static MinioArtifactStore store;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        server = EmbeddedS3Server.start(dataDir, "127.0.0.1", 0, "minio", "minio123", NOTIFICATIONS::add);
        long first = System.nanoTime() - t0;
        store = server.store(BUCKET);
        System.out.printf("S3Proxy first start in this JVM: %d ms%n", first / 1_000_000);
    }

    @AfterAll
    static void stop() {
        store.close();
        server.close();
    }

    @BeforeEach
    void clear() {
        NOTIFICATIONS.clear();
    }

    static S3Record onlyRecord() {
        assertEquals(1, NOTIFICATIONS.size(), "exactly one notification");
        List<S3Record> records = S3Notifications.parse(NOTIFICATIONS.get(0));
        assertEquals(1, records.size());
        return records.get(0);
    }

    @Test
    void putGetStatListRoundTrip() {
        byte[] data = "{\"phase\":\"Succeeded\"}".getBytes(StandardCharsets.UTF_8);
        store.put("runs/r1/tasks/sum/attempts/1/status.json", data);
        store.put("runs/r1/run.json", "{}".getBytes(StandardCharsets.UTF_8));

        assertArrayEquals(data, store.get("runs/r1/tasks/sum/attempts/1/status.json").orElseThrow());
        assertEquals(Optional.empty(), store.get("runs/r1/nope.json"));
        ObjectInfo info = store.stat("runs/r1/tasks/sum/attempts/1/status.json").orElseThrow();
        assertEquals(data.length, info.size());
        assertEquals(32, info.eTag().length(), info.eTag());
        assertEquals(Optional.empty(), store.stat("runs/r1/nope.json"));

        assertEquals(List.of("runs/r1/run.json", "runs/r1/tasks/sum/attempts/1/status.json"),
                store.list("runs/r1/", true));
        assertEquals(List.of("runs/r1/run.json", "runs/r1/tasks/"), store.list("runs/r1/", false));
        assertEquals("s3://mlpipeline/runs/r1/run.json", store.uri("runs/r1/run.json"));
    }

    @Test
    void everyPutNotifiesOnceWithBucketKeySizeETag() {
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        store.put("runs/r2/tasks/gen/outputs/Filtered text", data);
        S3Record r = onlyRecord();
        assertEquals("s3:ObjectCreated:Put", r.eventName());
        assertEquals(BUCKET, r.bucket());
        assertEquals("runs/r2/tasks/gen/outputs/Filtered text", r.key());
        assertEquals(5L, r.size());
        assertEquals(store.stat(r.key()).orElseThrow().eTag(), r.eTag());
        assertEquals("5d41402abc4b2a76b9719d911017c592", r.eTag()); // md5("hello")
        assertTrue(r.isNewData());
        assertEquals("minio:s3", r.eventSource());
        assertTrue(r.requestId() != null && r.id2() != null && r.sequencer() != null);
    }

    @Test
    void awkwardKeysRoundTripThroughTheSdkAndTheNotification() {
        String[] keys = {
            "pipelines/in put/Q1+Q2 résumé & 数据 (final).csv",
            "runs/r3/tasks/t/outputs/a%2Fb 100% ~*'!;,=@$",
            "runs/r3/emoji 😀.txt",
        };
        for (String key : keys) {
            NOTIFICATIONS.clear();
            byte[] data = key.getBytes(StandardCharsets.UTF_8);
            store.put(key, data);
            assertArrayEquals(data, store.get(key).orElseThrow(), key);
            assertEquals(key, onlyRecord().key());
            assertEquals(data.length, onlyRecord().size());
            assertTrue(store.list("", true).contains(key), key);
        }
    }

    @Test
    void sequencersIncrease() {
        for (int i = 0; i < 5; i++) {
            store.put("runs/r4/seq/" + i, new byte[] {(byte) i});
        }
        List<String> seq = new ArrayList<>();
        for (byte[] n : NOTIFICATIONS) {
            seq.add(S3Notifications.parse(n).get(0).sequencer());
        }
        for (int i = 1; i < seq.size(); i++) {
            assertTrue(Long.parseUnsignedLong(seq.get(i), 16) > Long.parseUnsignedLong(seq.get(i - 1), 16), seq.toString());
            assertEquals(seq.get(i).toUpperCase(), seq.get(i));
        }
    }

    @Test
    void multipartUploadNotifiesCompleteOnceAndNoStub() throws Exception {
        byte[] data = new byte[11 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        String key = "runs/r5/tasks/train/outputs/model big.bin";
        try (MinioClient client = server.newClient()) {
            client.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key)
                    .stream(new ByteArrayInputStream(data), -1, 5L * 1024 * 1024).build());
        }
        S3Record r = onlyRecord();
        assertEquals("s3:ObjectCreated:CompleteMultipartUpload", r.eventName());
        assertEquals(key, r.key());
        assertEquals((long) data.length, r.size());
        ObjectInfo info = store.stat(key).orElseThrow();
        assertEquals(info.eTag(), r.eTag());
        assertTrue(r.eTag().endsWith("-3"), r.eTag());
        assertTrue(r.isNewData());
        assertArrayEquals(data, store.get(key).orElseThrow());
        // the stub S3Proxy stores while the upload is open is gone
        assertEquals(List.of(key), store.list("runs/r5/", true));
        // S3Proxy stores an empty stub named after the upload id while the upload is open: gone now
        assertTrue(store.list("", true).stream().noneMatch(k -> k.matches("[0-9a-f-]{36}")), store.list("", true).toString());
    }

    @Test
    void putFileAndDownload(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("in.txt");
        Files.writeString(src, "file body");
        store.putFile("runs/r6/log.txt", src);
        S3Record r = onlyRecord();
        assertEquals(9L, r.size());
        assertEquals("text/plain", r.contentType());
        Path target = tmp.resolve("deep/dir/out.txt");
        store.download("runs/r6/log.txt", target);
        assertEquals("file body", Files.readString(target));
        StoreException e = assertThrows(StoreException.class, () -> store.download("runs/r6/missing", tmp.resolve("x")));
        assertEquals("runs/r6/missing", e.key());
        assertTrue(e.getMessage().contains("s3://mlpipeline/runs/r6/missing"), e.getMessage());
    }

    @Test
    void putIfAbsentWritesOnlyOnce() {
        assertTrue(store.putIfAbsent("triggers/seen/t/abc", "1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(store.putIfAbsent("triggers/seen/t/abc", "2".getBytes(StandardCharsets.UTF_8)));
        assertEquals("1", new String(store.get("triggers/seen/t/abc").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals(1, NOTIFICATIONS.size());
    }

    /**
     * S3Proxy 2.6 ignores {@code If-None-Match} on PUT (its handlePutBlob never reads it), which is
     * why putIfAbsent is documented as best effort. If this starts failing, S3Proxy enforces it.
     */
    @Test
    void s3ProxyIgnoresIfNoneMatchOnPut() throws Exception {
        store.put("runs/r10/x", new byte[] {1});
        try (MinioClient client = server.newClient()) {
            client.putObject(PutObjectArgs.builder().bucket(BUCKET).object("runs/r10/x")
                    .stream(new ByteArrayInputStream(new byte[] {2}), 1, -1)
                    .headers(java.util.Map.of("If-None-Match", "*")).build());
        }
        assertArrayEquals(new byte[] {2}, store.get("runs/r10/x").orElseThrow());
    }

    @Test
    void twoServersOnOneDataDirSeeEachOthersObjects() {
        List<byte[]> second = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        try (EmbeddedS3Server other = EmbeddedS3Server.start(dataDir, "127.0.0.1", 0, "minio", "minio123", second::add)) {
            System.out.printf("S3Proxy later start in this JVM (same data dir): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            MinioArtifactStore otherStore = other.store(BUCKET);
            store.put("runs/r7/a.json", "a".getBytes(StandardCharsets.UTF_8));
            otherStore.put("runs/r7/b.json", "b".getBytes(StandardCharsets.UTF_8));
            assertEquals("a", new String(otherStore.get("runs/r7/a.json").orElseThrow(), StandardCharsets.UTF_8));
            assertEquals("b", new String(store.get("runs/r7/b.json").orElseThrow(), StandardCharsets.UTF_8));
            assertEquals(List.of("runs/r7/a.json", "runs/r7/b.json"), store.list("runs/r7/", true));
            assertEquals(List.of("runs/r7/a.json", "runs/r7/b.json"), otherStore.list("runs/r7/", true));
            assertEquals(1, NOTIFICATIONS.size());
            assertEquals(1, second.size());
            assertEquals("runs/r7/b.json", S3Notifications.parse(second.get(0)).get(0).key());
            otherStore.close();
        }
    }

    @Test
    void aFailingSinkFailsTheWriteButTheObjectIsStored(@TempDir Path dir) {
        try (EmbeddedS3Server failing = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "minio", "minio123",
                n -> { throw new IllegalStateException("queue full"); });
                MinioArtifactStore s = failing.store(BUCKET)) {
            StoreException e = assertThrows(StoreException.class, () -> s.put("runs/r8/status.json", new byte[] {1}));
            assertEquals("runs/r8/status.json", e.key());
            assertTrue(s.stat("runs/r8/status.json").isPresent());
        }
    }

    @Test
    void objectsArePlainFilesUnderTheDataDir() throws Exception {
        store.put("runs/r9/tasks/t/outputs/Filtered text", "x y".getBytes(StandardCharsets.UTF_8));
        assertEquals("x y", Files.readString(dataDir.resolve(BUCKET).resolve("runs/r9/tasks/t/outputs/Filtered text")));
    }

    @Test
    void aWriteInProgressBesideItsObjectIsNotListedButAnObjectNamedLikeOneIs() throws Exception {
        // jclouds (S3Proxy) writes <key>-<uuid> beside the object and renames it: a listing taken
        // meanwhile returned that file as a key (an output or status.json no writer ever stored)
        String uuid = UUID.randomUUID().toString();
        String model = "runs/r11/tasks/t/outputs/model-" + uuid;
        store.put(model, "an output so named".getBytes(StandardCharsets.UTF_8));
        store.put("runs/r11/status.json", "{}".getBytes(StandardCharsets.UTF_8));
        Path bucketDir = dataDir.resolve(BUCKET);
        List<Path> strays = List.of(bucketDir.resolve("runs/r11/status.json-" + UUID.randomUUID()),
                bucketDir.resolve("runs/r11/tasks/t/outputs/data.csv-" + UUID.randomUUID()),
                bucketDir.resolve("runs/r11/tasks/t/log.txt-" + UUID.randomUUID()));
        try {
            for (Path stray : strays) {
                Files.write(stray, "half".getBytes(StandardCharsets.UTF_8)); // no user.content-md5: in progress
            }
            assertEquals(List.of("runs/r11/status.json", model), store.list("runs/r11/", true));
            assertEquals(List.of("runs/r11/status.json", "runs/r11/tasks/"), store.list("runs/r11/", false));
            assertEquals(List.of(model), store.list("runs/r11/tasks/t/outputs/", false));
            assertEquals(List.of("runs/r11/tasks/t/outputs/"), store.list("runs/r11/tasks/t/", false));
            List<String> all = store.list("", true);
            assertTrue(all.contains(model), all.toString());
            assertTrue(all.stream().noneMatch(k -> k.startsWith("runs/r11/") && !k.equals(model)
                    && !k.equals("runs/r11/status.json")), all.toString());
            try (MinioClient client = server.newClient()) { // ListObjects V1, paged by one: a page of only a stray
                List<String> v1 = new ArrayList<>();
                for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(BUCKET).prefix("runs/r11/")
                        .recursive(true).useApiVersion1(true).maxKeys(1).build())) {
                    if (!r.get().objectName().endsWith("/")) { // the backend's directories, as MinioArtifactStore drops them
                        v1.add(r.get().objectName());
                    }
                }
                assertEquals(List.of("runs/r11/status.json", model), v1);
            }
        } finally {
            for (Path stray : strays) {
                Files.deleteIfExists(stray);
            }
        }
    }

    @Test
    void wrongKeysAreRejected() {
        try (MinioArtifactStore bad = MinioArtifactStore.connect(server.endpoint().toString(), "minio", "wrong",
                "us-east-1", BUCKET)) {
            StoreException e = assertThrows(StoreException.class, () -> bad.put("runs/x", new byte[1]));
            assertEquals("runs/x", e.key());
        }
        assertTrue(NOTIFICATIONS.isEmpty());
    }
}
