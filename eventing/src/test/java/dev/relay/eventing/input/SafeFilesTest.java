package dev.relay.eventing.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeFilesTest {
    @TempDir
    Path dir;

    @Test
    void devZeroIsRefusedByNameBeforeItIsRead() {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero), "no /dev/zero on this system");
        IOException e = assertThrows(IOException.class, () -> SafeFiles.read(zero));
        assertTrue(e.getMessage().contains("/dev/zero") && e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aFolderIsRefused() {
        IOException e = assertThrows(IOException.class, () -> SafeFiles.read(dir));
        assertTrue(e.getMessage().contains("a folder"), e.getMessage());
    }

    @Test
    void aFileOverTheLimitIsRefusedWithItsSize() throws Exception {
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(InputLimits.MAX_BYTES + 1L); // sparse: nothing is written
        }
        IOException e = assertThrows(IOException.class, () -> SafeFiles.read(big));
        assertTrue(e.getMessage().contains("big.yaml") && e.getMessage().contains("16 MiB"), e.getMessage());
    }

    @Test
    void aRegularFileAndItsSymlinkRead() throws Exception {
        Path f = Files.writeString(dir.resolve("a.yaml"), "a: 1\n");
        Path link = Files.createSymbolicLink(dir.resolve("b.yaml"), f);
        assertArrayEquals("a: 1\n".getBytes(), SafeFiles.read(link));
        Files.write(f, new byte[] {(byte) 0xff, 'a'});
        IOException e = assertThrows(IOException.class, () -> SafeFiles.readString(f));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void jsonNestingIsLimited() {
        String deep = "[".repeat(InputLimits.MAX_DEPTH + 1) + "]".repeat(InputLimits.MAX_DEPTH + 1);
        StreamConstraintsException e = assertThrows(StreamConstraintsException.class, () -> SafeJson.mapper().readTree(deep));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
    }
}
