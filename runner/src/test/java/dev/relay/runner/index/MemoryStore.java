package dev.relay.runner.index;

import dev.relay.runner.store.InMemoryArtifactStore;

/** The in-memory store of the index tests (no events). */
final class MemoryStore extends InMemoryArtifactStore {
    MemoryStore(String bucket) {
        super(bucket);
    }

    MemoryStore() {
        super();
    }
}
