package dev.relay.eventing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex (64 characters): dedupe keys, digests, content versions, name hashes. */
public final class Sha256 {
    private Sha256() {}

    /** @return the digest of {@code data} */
    public static byte[] digest(byte[] data) {
        return md().digest(data);
    }

    /** @return the hex digest of {@code data} */
    public static String hex(byte[] data) {
        return HexFormat.of().formatHex(digest(data));
    }

    /** @return the hex digest of the UTF-8 bytes of {@code text} */
    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return the hex digest of a file's bytes, read in 64 KiB blocks
     * @throws IOException when the file cannot be read
     */
    public static String hex(Path file) throws IOException {
        MessageDigest md = md();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest md() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
