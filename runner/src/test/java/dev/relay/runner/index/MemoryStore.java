package dev.relay.runner.index;

import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** An in-memory {@link ArtifactStore} for parser and index tests (no events). */
final class MemoryStore implements ArtifactStore {
    final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private final String bucket;

    MemoryStore(String bucket) {
        this.bucket = bucket;
    }

    MemoryStore() {
        this("mlpipeline");
    }

    void put(String key, String text) {
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
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        byte[] b = objects.get(key);
        return b == null ? Optional.empty() : Optional.of(new ObjectInfo(key, b.length, "etag", null, Instant.EPOCH));
    }

    @Override
    public List<String> list(String prefix, boolean recursive) {
        TreeMap<String, Boolean> out = new TreeMap<>();
        for (String k : objects.tailMap(prefix).keySet()) {
            if (!k.startsWith(prefix)) {
                break;
            }
            int slash = k.indexOf('/', prefix.length());
            out.put(recursive || slash < 0 ? k : k.substring(0, slash + 1), true);
        }
        return List.copyOf(out.keySet());
    }

    @Override
    public String bucket() {
        return bucket;
    }
}
