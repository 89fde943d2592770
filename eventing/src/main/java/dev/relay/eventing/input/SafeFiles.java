package dev.relay.eventing.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the documents Relay parses (spec files, {@code componentRef.url} targets, trigger files,
 * package entries, request bodies) with {@link InputLimits}: only regular files (a device such
 * as {@code /dev/zero}, a FIFO or a folder is refused by name before it is opened), at most
 * {@link InputLimits#MAX_BYTES} bytes. Refusals are {@link IOException}s whose message names the
 * file and the limit; a missing file stays a {@link java.nio.file.NoSuchFileException}.
 */
public final class SafeFiles {
    private SafeFiles() {}

    /**
     * @param file the file (symbolic links are followed)
     * @return its bytes
     * @throws java.nio.file.NoSuchFileException when it does not exist
     * @throws IOException when it is not a regular file, is larger than the limit, or cannot be read
     */
    public static byte[] read(Path file) throws IOException {
        return read(file, InputLimits.MAX_BYTES);
    }

    /**
     * {@link #read(Path)} with a limit of its own (an archive whose entries are each limited again).
     *
     * @param maxBytes the most bytes read
     */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            String kind = a.isDirectory() ? "a folder" : a.isOther() ? "a device, FIFO or socket" : "not a file";
            throw new IOException(file + " is " + kind + ", not a regular file; Relay reads documents from regular files only");
        }
        if (a.size() > maxBytes) {
            throw tooLarge(file.toString(), a.size(), maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw tooLarge(file.toString(), -1, maxBytes);
            }
            return b;
        }
    }

    /**
     * @return the file's text, which must be UTF-8
     * @throws IOException as {@link #read(Path)}, or when the bytes are not UTF-8
     */
    public static String readString(Path file) throws IOException {
        return utf8(read(file), file.toString());
    }

    /**
     * Reads a stream to its end, at most {@link InputLimits#MAX_BYTES} bytes.
     *
     * @param name what the stream is, for the message (a file, an archive entry, a body)
     * @throws IOException when the stream holds more than the limit
     */
    public static byte[] read(InputStream in, String name) throws IOException {
        byte[] b = in.readNBytes(InputLimits.MAX_BYTES + 1);
        if (b.length > InputLimits.MAX_BYTES) {
            throw tooLarge(name, -1, InputLimits.MAX_BYTES);
        }
        return b;
    }

    /**
     * @return the refusal of a document over a size limit ({@code size} in bytes, or -1 when
     *     unknown; {@code max} the limit in bytes)
     */
    public static IOException tooLarge(String name, long size, long max) {
        String limit = "Relay's limit of " + InputLimits.size(max) + " per document";
        return new IOException(name + (size < 0 ? " is larger than " + limit : " is " + InputLimits.size(size) + ", more than " + limit));
    }

    /**
     * @return {@code bytes} decoded as UTF-8
     * @throws IOException naming {@code name} when they are not UTF-8
     */
    public static String utf8(byte[] bytes, String name) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(name + " is not valid UTF-8 text");
        }
    }
}
