package dev.relay.runner.index;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Assumptions;

/** Helpers for the index tests: archives, the shared cases. */
final class Fixtures {
    private Fixtures() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A POSIX tar holding a directory entry, then {@code name} with {@code content}, then a second file. */
    static byte[] tar(String name, byte[] content) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.putArchiveEntry(new TarArchiveEntry("dir/"));
            tar.closeArchiveEntry();
            entry(tar, "dir/" + name, content);
            entry(tar, "dir/other.txt", utf8("not this one"));
            tar.finish();
            tar.close();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static byte[] gzip(byte[] content) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write(content);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ../shared/cases/ui_metadata_and_metrics; the calling test is skipped (with the reason) when absent. */
    static Path sharedCases() {
        String dir = System.getProperty("relay.shared.dir");
        Assumptions.assumeTrue(dir != null, "relay.shared.dir is not set: skipping the shared-case test");
        Path p = Path.of(dir, "cases", "ui_metadata_and_metrics");
        Assumptions.assumeTrue(Files.isDirectory(p), "shared cases not found at " + p + ": skipping");
        return p;
    }
}
