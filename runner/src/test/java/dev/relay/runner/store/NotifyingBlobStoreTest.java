package dev.relay.runner.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relay.eventing.s3.MinioRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NotifyingBlobStore}'s listings over the jclouds filesystem backend, with and without its base dir. */
class NotifyingBlobStoreTest {

    @Test
    void aWriteInProgressIsLeftOutByFileOrByMetadataAndAnObjectNamedLikeOneIsListed(@TempDir Path dir) throws Exception {
        Properties props = new Properties();
        props.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dir.toString());
        try (BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(props)
                .buildView(BlobStoreContext.class)) {
            MinioRecords.Origin origin = EmbeddedNotifications.origin(dir, "minio", "127.0.0.1", null);
            String model = "out/model-" + UUID.randomUUID();
            NotifyingBlobStore byFile = new NotifyingBlobStore(context.getBlobStore(), n -> { }, origin, dir);
            NotifyingBlobStore byMetadata = new NotifyingBlobStore(context.getBlobStore(), n -> { }, origin, null);
            byFile.createContainerInLocation(null, "b");
            byFile.putBlob("b", byFile.blobBuilder(model).payload("object".getBytes(StandardCharsets.UTF_8)).build());
            for (String stray : List.of("a.csv-", "status.json-")) { // jclouds' writes in progress, before and after
                Files.writeString(dir.resolve("b/out/" + stray + UUID.randomUUID()), "half");
            }
            for (NotifyingBlobStore store : List.of(byFile, byMetadata)) {
                assertEquals(List.of("out/", model), names(store.list("b", ListContainerOptions.Builder.recursive())));
                assertEquals(List.of(model), names(store.list("b", ListContainerOptions.Builder.prefix("out/").delimiter("/"))));
                assertEquals(List.of("out/"), names(store.list("b")));
                // a page holding only the write in progress is replaced by the next one
                PageSet<? extends StorageMetadata> page = store.list("b", ListContainerOptions.Builder.recursive()
                        .afterMarker("out/").maxResults(1));
                assertEquals(List.of(model), names(page));
                assertEquals(model, page.getNextMarker());
                page = store.list("b", ListContainerOptions.Builder.recursive().afterMarker(model).maxResults(1));
                assertEquals(List.of(), names(page), "the last page: only a write in progress");
                assertEquals(null, page.getNextMarker());
            }
        }
    }

    private static List<String> names(PageSet<? extends StorageMetadata> page) {
        return page.stream().map(StorageMetadata::getName).collect(Collectors.toList());
    }
}
