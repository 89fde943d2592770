package dev.relay.runner.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** {@link ArtifactStoreContract} on each {@link ArtifactStore}. */
class ArtifactStoreContractTest {
    static Path dir;
    static EmbeddedS3Server server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("relay-store-contract");
        server = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", 0, "minio", "minio123", n -> { });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The S3 store: the MinIO SDK against S3Proxy. */
    @Nested
    class S3 extends ArtifactStoreContract {
        @Override
        ArtifactStore store() {
            return server.store("contract").ensureBucket();
        }
    }

    /** The embedded store written in-process, on the same files S3Proxy serves. */
    @Nested
    class Filesystem extends ArtifactStoreContract {
        @Override
        ArtifactStore store() {
            return FilesystemArtifactStore.open(dir.resolve("s3"), "contract-fs", "minio", n -> { });
        }
    }

    /** The in-memory store of the tests. */
    @Nested
    class InMemory extends ArtifactStoreContract {
        final InMemoryArtifactStore store = new InMemoryArtifactStore();

        @Override
        ArtifactStore store() {
            return store;
        }
    }
}
