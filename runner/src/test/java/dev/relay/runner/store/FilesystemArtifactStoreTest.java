package dev.relay.runner.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3Notifications;
import dev.relay.eventing.s3.S3Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process filesystem store and S3Proxy on one data directory: whatever one writes, the
 * other reads with the same bytes, eTag, size, content type, last-modified second and listing;
 * the files carry the same extended attributes and permissions; both notify the same record.
 */
class FilesystemArtifactStoreTest {

    static final String BUCKET = "mlpipeline";
    static final List<byte[]> S3_NOTES = new CopyOnWriteArrayList<>();
    static final List<byte[]> FILE_NOTES = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dataDir;

    static EmbeddedS3Server server;
    static MinioArtifactStore s3;
    static FilesystemArtifactStore files;

    @BeforeAll
    static void start() {
        files = FilesystemArtifactStore.open(dataDir, BUCKET, "minio", FILE_NOTES::add);
        server = EmbeddedS3Server.start(dataDir, "127.0.0.1", 0, "minio", "minio123", S3_NOTES::add);
        s3 = server.store(BUCKET);
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    @BeforeEach
    void clear() {
        S3_NOTES.clear();
        FILE_NOTES.clear();
    }

    @Test
    void whatTheFileStoreWritesS3ProxyReadsAlike() {
        byte[] data = "{\"phase\":\"Succeeded\"}".getBytes(StandardCharsets.UTF_8);
        files.put("a/runs/r1/tasks/sum/attempts/1/status.json", data);
        files.put("a/runs/r1/run.json", "{}".getBytes(StandardCharsets.UTF_8));
        files.put("a/runs/r1/tasks/sum/outputs/Sum", "55".getBytes(StandardCharsets.UTF_8));
        files.put("a/runs/r1/tasks/sum/log.txt", new byte[0]);

        assertArrayEquals(data, s3.get("a/runs/r1/tasks/sum/attempts/1/status.json").orElseThrow());
        for (String key : List.of("a/runs/r1/tasks/sum/attempts/1/status.json", "a/runs/r1/run.json",
                "a/runs/r1/tasks/sum/outputs/Sum", "a/runs/r1/tasks/sum/log.txt")) {
            assertEquals(s3.stat(key), files.stat(key), key);
        }
        assertEquals("application/json", s3.stat("a/runs/r1/run.json").orElseThrow().contentType());
        assertEquals("99914b932bd37a50b983c5e7c90ae93b", s3.stat("a/runs/r1/run.json").orElseThrow().eTag());
        assertSameListings("a/");
    }

    @Test
    void whatS3ProxyWritesTheFileStoreReadsAlike() {
        s3.put("b/pipelines/p/v1/pipeline.yaml", "name: p\n".getBytes(StandardCharsets.UTF_8));
        s3.put("b/runs/r2/tasks/gen/outputs/Filtered text", "hello".getBytes(StandardCharsets.UTF_8));
        assertTrue(s3.putIfAbsent("b/runs/r2/tasks/gen/attempts/1/status.json", "{}".getBytes(StandardCharsets.UTF_8)));

        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8),
                files.get("b/runs/r2/tasks/gen/outputs/Filtered text").orElseThrow());
        for (String key : s3.list("b/", true)) {
            assertEquals(s3.stat(key), files.stat(key), key);
        }
        assertFalse(files.putIfAbsent("b/runs/r2/tasks/gen/attempts/1/status.json", "{\"x\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{}", new String(s3.get("b/runs/r2/tasks/gen/attempts/1/status.json").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals(List.of(), FILE_NOTES, "no notification for a write that did not happen");
        assertSameListings("b/");
    }

    @Test
    void bothWritersLeaveTheSameAttributesAndPermissions() throws IOException {
        byte[] data = "same bytes".getBytes(StandardCharsets.UTF_8);
        s3.put("c/by-s3.json", data);
        files.put("c/by-file.json", data);
        assertEquals(attributes(dataDir.resolve(BUCKET).resolve("c/by-s3.json")),
                attributes(dataDir.resolve(BUCKET).resolve("c/by-file.json")));
        assertEquals(Files.getPosixFilePermissions(dataDir.resolve(BUCKET).resolve("c/by-s3.json")),
                Files.getPosixFilePermissions(dataDir.resolve(BUCKET).resolve("c/by-file.json")));
        assertEquals(Map.of("user.content-md5", HexFormat.of().formatHex(md5(data)),
                        "user.content-type", "application/json", "user.storage-tier", "STANDARD"),
                attributes(dataDir.resolve(BUCKET).resolve("c/by-file.json")));
    }

    @Test
    void aLargeFileGetsTheMultipartETagTheSdkUploadGets() throws IOException {
        byte[] data = new byte[(int) (2 * FilesystemArtifactStore.MIN_PART_SIZE + 12345)];
        new Random(7).nextBytes(data);
        Path f = dataDir.resolveSibling(dataDir.getFileName() + "-big.bin");
        Files.write(f, data);
        try {
            s3.putFile("d/by-s3.bin", f);
            files.putFile("d/by-file.bin", f);
        } finally {
            Files.delete(f);
        }
        ObjectInfo viaS3 = s3.stat("d/by-s3.bin").orElseThrow();
        assertTrue(viaS3.eTag().endsWith("-3"), viaS3.eTag());
        assertEquals(viaS3.eTag(), s3.stat("d/by-file.bin").orElseThrow().eTag());
        assertEquals(viaS3.eTag(), files.stat("d/by-s3.bin").orElseThrow().eTag());
        assertArrayEquals(data, s3.get("d/by-file.bin").orElseThrow());
        S3Record a = only(S3_NOTES);
        S3Record b = only(FILE_NOTES);
        assertEquals("s3:ObjectCreated:CompleteMultipartUpload", b.eventName());
        assertSameRecord(a, b);
    }

    @Test
    void aSmallFileGoesUpInOnePart() throws IOException {
        byte[] data = new byte[(int) FilesystemArtifactStore.MIN_PART_SIZE];
        new Random(8).nextBytes(data);
        Path f = dataDir.resolveSibling(dataDir.getFileName() + "-part.bin");
        Files.write(f, data);
        try {
            s3.putFile("e/by-s3.bin", f);
            files.putFile("e/by-file.bin", f);
        } finally {
            Files.delete(f);
        }
        assertEquals(HexFormat.of().formatHex(md5(data)), files.stat("e/by-file.bin").orElseThrow().eTag());
        assertEquals(s3.stat("e/by-s3.bin").orElseThrow().eTag(), s3.stat("e/by-file.bin").orElseThrow().eTag());
        assertSameRecord(only(S3_NOTES), only(FILE_NOTES));
    }

    @Test
    void bothNotifyTheSameRecordForTheSameWrite() {
        byte[] data = "x y z".getBytes(StandardCharsets.UTF_8);
        s3.put("f/runs/r 1/résumé.txt", data);
        files.put("f/runs/r 1/résumé.txt", data);
        S3Record a = only(S3_NOTES);
        S3Record b = only(FILE_NOTES);
        assertEquals("s3:ObjectCreated:Put", b.eventName());
        assertSameRecord(a, b);
        assertTrue(Long.parseLong(b.sequencer(), 16) > Long.parseLong(a.sequencer(), 16),
                "sequencers keep increasing across both writers of one JVM");
    }

    @Test
    void putIfAbsentHasExactlyOneWinnerAmongConcurrentWriters() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] data = ("writer " + i).getBytes(StandardCharsets.UTF_8);
                results.add(pool.submit(() -> {
                    go.await();
                    return files.putIfAbsent("g/lock.json", data);
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> r : results) {
                winners += r.get() ? 1 : 0;
            }
            assertEquals(1, winners);
            assertEquals(1, FILE_NOTES.size());
            assertEquals(List.of("g/lock.json"), files.list("g/", true), "no temporary file left behind");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyReadWhileItIsWrittenIsAbsentOrWholeNeverAFailure() throws Exception {
        // a run's status.json read by GET /runs/{id} while the controller writes it (KfpApiTest saw a 500)
        int n = 3000;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> reader = pool.submit(() -> {
                int absent = 0;
                for (int i = 0; i < n; i++) {
                    String key = "race/" + i + "/status.json";
                    Optional<byte[]> got;
                    while ((got = files.get(key)).isEmpty()) {
                        absent++;
                    }
                    assertEquals("done " + i, new String(got.get(), StandardCharsets.UTF_8));
                }
                return absent;
            });
            for (int i = 0; i < n; i++) {
                files.put("race/" + i + "/status.json", ("done " + i).getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(reader.get() > 0, "the reader met keys not yet written");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void overwritingReplacesContentAndETag() {
        files.put("h/k.txt", "one".getBytes(StandardCharsets.UTF_8));
        files.put("h/k.txt", "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", new String(s3.get("h/k.txt").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals(HexFormat.of().formatHex(md5("two".getBytes(StandardCharsets.UTF_8))), s3.stat("h/k.txt").orElseThrow().eTag());
        assertEquals(List.of("h/k.txt"), files.list("h/", true));
    }

    @Test
    void missingKeysAndBadKeys() throws IOException {
        files.put("i/dir/obj", "1".getBytes(StandardCharsets.UTF_8));
        FILE_NOTES.clear();
        assertEquals(Optional.empty(), files.get("i/none"));
        assertEquals(Optional.empty(), files.get("i/dir"), "a directory of keys is not an object");
        assertEquals(Optional.empty(), files.get("i/dir/obj/deeper"));
        assertEquals(Optional.empty(), files.stat("i/none"));
        assertEquals(Optional.empty(), files.stat("i/dir"));
        assertEquals(List.of(), files.list("nothing/here/", true));
        StoreException e = assertThrows(StoreException.class, () -> files.download("i/none", dataDir.resolveSibling("x")));
        assertTrue(e.getMessage().contains("s3://mlpipeline/i/none") && e.getMessage().contains("no such key"), e.getMessage());
        for (String bad : List.of("", "/abs", "a/../b", "a//b", "a/./b", "dir/", "nul\0")) {
            StoreException be = assertThrows(StoreException.class, () -> files.put(bad, new byte[0]), bad);
            assertEquals(bad, be.key());
        }
        assertEquals(List.of(), FILE_NOTES, "a refused key notifies nothing");
        Path target = dataDir.resolveSibling(dataDir.getFileName() + "-dl").resolve("sub/obj");
        files.download("i/dir/obj", target);
        assertEquals("1", Files.readString(target));
    }

    @Test
    void aWriteInProgressIsInNoListingOfTheBucket() throws IOException {
        // a listing taken mid-write returned the write's temporary file runs/x/status.json-<uuid> as a key
        files.put("j/runs/x/status.json", "{}".getBytes(StandardCharsets.UTF_8));
        Path big = dataDir.resolveSibling(dataDir.getFileName() + "-streamed.bin");
        Files.write(big, new byte[300_000]); // over the size put() takes whole: the streamed path
        List<String> seen = new ArrayList<>();
        List<String> written = new CopyOnWriteArrayList<>(List.of("j/runs/x/status.json"));
        files.beforeCommit = tmp -> {
            assertTrue(Files.isRegularFile(tmp), "the temporary file is written: " + tmp);
            assertFalse(tmp.startsWith(dataDir.resolve(BUCKET)), "staged outside the bucket: " + tmp);
            seen.add(tmp.getFileName().toString());
            assertEquals(written, files.list("j/", true));
            assertEquals(written, files.list("j/runs/x/", false));
            assertEquals(written, s3.list("j/", true), "S3Proxy's listing");
        };
        try {
            files.put("j/runs/x/status.json", "{\"phase\":\"Running\"}".getBytes(StandardCharsets.UTF_8));
            assertTrue(files.putIfAbsent("j/runs/x/launched.json", "{}".getBytes(StandardCharsets.UTF_8)));
            written.add(0, "j/runs/x/launched.json");
            files.putFile("j/runs/x/status.json", big);
        } finally {
            files.beforeCommit = null;
            Files.delete(big);
        }
        assertEquals(3, seen.size(), "each write staged once: " + seen);
        assertEquals(List.of(), List.of(dataDir.resolve(TempFiles.STAGING_DIR).toFile().list()), "nothing left staged");
        assertArrayEquals(new byte[300_000], files.get("j/runs/x/status.json").orElseThrow());
    }

    @Test
    void aTemporaryFileBesideAnObjectIsNoKeyButAnObjectNamedLikeOneIs() throws IOException {
        // what a killed older Relay leaves, and what S3Proxy (jclouds) writes while it stores an object
        String uuid = "3f1c9a2e-7b4d-4e5f-9a0b-1c2d3e4f5a6b";
        files.put("k/runs/x/status.json", "{}".getBytes(StandardCharsets.UTF_8));
        files.put("k/runs/x/outputs/model-" + uuid, "an output so named".getBytes(StandardCharsets.UTF_8));
        Path dir = dataDir.resolve(BUCKET).resolve("k/runs/x");
        List<Path> strays = List.of(dir.resolve("status.json-" + uuid), dir.resolve("tasks/t/log.txt-" + uuid));
        try {
            for (Path stray : strays) {
                Files.createDirectories(stray.getParent());
                Files.write(stray, "half".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(List.of("k/runs/x/outputs/model-" + uuid, "k/runs/x/status.json"), files.list("k/", true));
            assertEquals(List.of("k/runs/x/outputs/", "k/runs/x/status.json", "k/runs/x/tasks/"),
                    files.list("k/runs/x/", false));
            assertEquals(List.of(), files.list("k/runs/x/tasks/", true));
            assertTrue(TempFiles.isBesideTempName("status.json-" + UUID.randomUUID()));
            for (String name : List.of("status.json", "-" + uuid, "x-" + uuid.toUpperCase(), "x-" + uuid.replace("-4e5f", "-1e5f"),
                    "x-" + uuid.replace("-9a0b", "-7a0b"), "x" + uuid, "x-" + uuid + ".json")) {
                assertFalse(TempFiles.isBesideTempName(name), name);
            }
        } finally {
            for (Path stray : strays) {
                Files.deleteIfExists(stray);
            }
        }
    }

    @Test
    void aStoreOpeningRemovesStagedFilesLeftOverAnHourAgoAndTheStagingDirIsNoBucket() throws Exception {
        Path staging = dataDir.resolve(TempFiles.STAGING_DIR);
        Path old = staging.resolve("killed-writer.part");
        Path fresh = staging.resolve("live-writer.part");
        Files.write(old, new byte[] {1});
        Files.write(fresh, new byte[] {2});
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - TempFiles.STALE_MS - 60_000));
        try {
            FilesystemArtifactStore.open(dataDir, BUCKET, "minio", n -> { });
            assertFalse(Files.exists(old), "a leftover of a killed writer is removed");
            assertTrue(Files.exists(fresh), "a file a live writer may still be writing is kept");
        } finally {
            Files.deleteIfExists(old);
            Files.deleteIfExists(fresh);
        }
        List<String> buckets = new ArrayList<>();
        for (io.minio.messages.Bucket b : server.newClient().listBuckets()) {
            buckets.add(b.name());
        }
        assertTrue(buckets.contains(BUCKET), buckets.toString());
        assertFalse(buckets.contains(TempFiles.STAGING_DIR), buckets.toString());
        StoreException e = assertThrows(StoreException.class,
                () -> FilesystemArtifactStore.open(dataDir, TempFiles.STAGING_DIR, "minio", n -> { }));
        assertTrue(e.getMessage().contains(TempFiles.STAGING_DIR), e.getMessage());
    }

    private static void assertSameListings(String base) {
        List<String> prefixes = new ArrayList<>(List.of("", base));
        for (String k : s3.list(base, true)) {
            for (int i = k.indexOf('/'); i >= 0; i = k.indexOf('/', i + 1)) {
                prefixes.add(k.substring(0, i + 1));
                prefixes.add(k.substring(0, i)); // no trailing slash
                prefixes.add(k.substring(0, i + 2)); // a partial name
            }
            prefixes.add(k);
        }
        for (String p : prefixes) {
            assertEquals(s3.list(p, true), files.list(p, true), "recursive listing of '" + p + "'");
            assertEquals(s3.list(p, false), files.list(p, false), "listing of '" + p + "'");
        }
    }

    private static void assertSameRecord(S3Record a, S3Record b) {
        assertEquals(a.eventName(), b.eventName());
        assertEquals(a.bucket(), b.bucket());
        assertEquals(a.size(), b.size());
        assertEquals(a.eTag(), b.eTag());
        assertEquals(a.contentType(), b.contentType());
        assertEquals(a.eventSource(), b.eventSource());
        assertEquals(a.id2(), b.id2(), "the same node id for one data directory");
    }

    private static S3Record only(List<byte[]> notes) {
        assertEquals(1, notes.size(), "exactly one notification");
        List<S3Record> records = S3Notifications.parse(notes.get(0));
        assertEquals(1, records.size());
        return records.get(0);
    }

    private static Map<String, String> attributes(Path p) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        Map<String, String> out = new TreeMap<>();
        for (String name : view.list()) {
            ByteBuffer buf = ByteBuffer.allocate(view.size(name));
            view.read(name, buf);
            byte[] b = buf.array();
            out.put(name, name.endsWith("md5") && b.length == 16 ? HexFormat.of().formatHex(b)
                    : new String(b, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static byte[] md5(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
