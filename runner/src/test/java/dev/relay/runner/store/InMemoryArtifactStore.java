package dev.relay.runner.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An {@link ArtifactStore} held in memory, for tests whose subject is not the store (the run
 * controller, launchers, the index): the same contract as the S3 store, no notifications. Keys sort by UTF-16 order, which equals S3's UTF-8 binary order
 * for the BMP-only keys tests use. Thread-safe.
 */
public class InMemoryArtifactStore implements ArtifactStore {
    /** The objects by key; tests may remove entries directly. */
    public final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private final String bucket;

    public InMemoryArtifactStore(String bucket) {
        this.bucket = bucket;
    }

    public InMemoryArtifactStore() {
        this("mlpipeline");
    }

    /** Writes UTF-8 text. */
    public void put(String key, String text) {
        put(key, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void put(String key, byte[] data) {
        objects.put(key, data.clone());
    }

    @Override
    public void putFile(String key, Path file) {
        try {
            put(key, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + " for " + key + ": " + e.getMessage(), key, e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        return objects.putIfAbsent(key, data.clone()) == null;
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(objects.get(key)).map(byte[]::clone);
    }

    @Override
    public void download(String key, Path target) {
        byte[] b = objects.get(key);
        if (b == null) {
            throw new StoreException("download " + uri(key) + ": no such key", key, null);
        }
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".download", ".tmp");
            Files.write(tmp, b);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        byte[] b = objects.get(key);
        return b == null ? Optional.empty() : Optional.of(new ObjectInfo(key, b.length, md5(b), null, Instant.EPOCH));
    }

    @Override
    public List<String> list(String prefix, boolean recursive) {
        TreeSet<String> out = new TreeSet<>();
        for (String k : objects.tailMap(prefix).keySet()) {
            if (!k.startsWith(prefix)) {
                break;
            }
            int slash = k.indexOf('/', prefix.length());
            if (recursive) {
                if (!k.endsWith("/")) {
                    out.add(k);
                }
            } else {
                out.add(slash < 0 ? k : k.substring(0, slash + 1));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** The eTag S3 gives a single-part upload: the MD5 hex of the bytes. */
    private static String md5(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
