package dev.relay.runner.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour of {@link ArtifactStore} every implementation gives, as its Javadoc states it:
 * one suite, run against the S3 store (S3Proxy through the MinIO SDK), the in-process filesystem
 * store and the in-memory store that tests use where the store is not the subject. Each test
 * works under its own prefix, so a store may be shared by the tests of one class.
 */
abstract class ArtifactStoreContract {
    @TempDir Path tmp;

    /** The store under test; the same instance may be returned for every test. */
    abstract ArtifactStore store();

    private String prefix() {
        return "contract/" + Long.toHexString(System.nanoTime()) + "/";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putThenGetGivesTheSameBytesAndOverwriteReplacesThem() {
        String k = prefix() + "a b+c ü.bin";
        byte[] bytes = {0, (byte) 0xff, '\r', '\n', 'x'};
        store().put(k, bytes);
        assertArrayEquals(bytes, store().get(k).orElseThrow());
        store().put(k, utf8("second"));
        assertEquals("second", new String(store().get(k).orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void aMissingKeyIsEmptyNotAnError() {
        String k = prefix() + "missing";
        assertEquals(Optional.empty(), store().get(k));
        assertEquals(Optional.empty(), store().stat(k));
        assertEquals(List.of(), store().list(k, true));
    }

    @Test
    void existsIsTrueExactlyForAnObject() {
        String p = prefix();
        store().put(p + "dir/obj", utf8("x"));
        assertTrue(store().exists(p + "dir/obj"));
        assertEquals(store().stat(p + "dir/obj").isPresent(), store().exists(p + "dir/obj"));
        assertFalse(store().exists(p + "dir/missing"));
        assertFalse(store().exists(p + "dir"), "a prefix of keys is no object");
        assertFalse(store().exists(p + "dir/obj/below"), "a path through an object is none");
    }

    @Test
    void putIfAbsentWritesOnlyTheFirstTime() {
        String k = prefix() + "status.json";
        assertTrue(store().putIfAbsent(k, utf8("first")));
        assertFalse(store().putIfAbsent(k, utf8("second")));
        assertEquals("first", new String(store().get(k).orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void statGivesTheSizeAndTheMd5ETagOfASinglePartObject() throws Exception {
        String k = prefix() + "x";
        byte[] bytes = utf8("hello");
        store().put(k, bytes);
        ObjectInfo info = store().stat(k).orElseThrow();
        assertEquals(5, info.size());
        String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
        assertEquals(md5, info.eTag());
    }

    @Test
    void listIsSortedRecursiveOrOneLevel() {
        String p = prefix();
        for (String k : List.of("b/2", "a", "b/1", "b/c/3", "c")) {
            store().put(p + k, utf8(k));
        }
        assertEquals(List.of(p + "a", p + "b/1", p + "b/2", p + "b/c/3", p + "c"), store().list(p, true));
        assertEquals(List.of(p + "a", p + "b/", p + "c"), store().list(p, false));
        assertEquals(List.of(p + "b/1", p + "b/2", p + "b/c/"), store().list(p + "b/", false));
    }

    @Test
    void deleteRemovesAndDeletingNothingIsNoError() {
        String k = prefix() + "gone";
        store().put(k, utf8("x"));
        store().delete(k);
        assertEquals(Optional.empty(), store().get(k));
        store().delete(k);
    }

    @Test
    void putFileAndDownloadRoundTripAndDownloadReplacesTheTarget() throws Exception {
        String k = prefix() + "file";
        Path src = tmp.resolve("src.bin");
        byte[] bytes = new byte[70_000];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(src, bytes);
        store().putFile(k, src);
        Path target = tmp.resolve("deep/er/target.bin");
        store().download(k, target);
        assertArrayEquals(bytes, Files.readAllBytes(target));
        store().put(k, utf8("small"));
        store().download(k, target);
        assertEquals("small", Files.readString(target));
    }

    @Test
    void downloadingAMissingKeyThrowsNamingIt() {
        String k = prefix() + "nothing-here";
        StoreException e = assertThrows(StoreException.class, () -> store().download(k, tmp.resolve("t")));
        assertTrue(e.getMessage().contains(k), e.getMessage());
    }

    @Test
    void theUriIsTheKeyAsIs() {
        assertEquals("s3://" + store().bucket() + "/runs/r 1/a+b", store().uri("runs/r 1/a+b"));
    }
}
