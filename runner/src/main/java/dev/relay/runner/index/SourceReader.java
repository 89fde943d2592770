package dev.relay.runner.index;

import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.ObjectInfo;
import dev.relay.runner.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the content a visualization's {@code source} names, as KFP's UI does
 * ({@code readSourceContent} in {@code frontend/src/lib/OutputArtifactLoader.ts} and the UI
 * server's MinIO reader): {@code storage: inline} means {@code source} is the content itself;
 * otherwise {@code source} is a URI. {@code minio://BUCKET/KEY} and {@code s3://BUCKET/KEY} in the
 * Relay bucket are read through the store and may be stored raw, gzipped, or as a tar archive
 * (gzipped or not), of which the first file is the content. {@code gs://}, {@code http://} and
 * {@code https://} sources are kept as links and not fetched.
 */
public final class SourceReader {
    /** Largest source read (after decompression). */
    public static final int MAX_BYTES = 16 * 1024 * 1024;

    private final ArtifactStore store;

    /** @param store the Relay bucket, or null to treat every bucket source as unreadable */
    public SourceReader(ArtifactStore store) {
        this.store = store;
    }

    /** What a source resolves to: exactly one of {@code text} and {@code link} is set. */
    public record Content(String text, String link) {
        static Content text(String t) {
            return new Content(t, null);
        }

        static Content link(String l) {
            return new Content(null, l);
        }
    }

    /** A source that names content Relay cannot read; the message says why. */
    public static final class SourceException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message why the source cannot be read, naming it */
        public SourceException(String message) {
            super(message);
        }
    }

    /**
     * @param source  the entry's {@code source}
     * @param storage the entry's {@code storage}, or null
     * @throws SourceException for an unknown scheme, another bucket, a missing, too large,
     *     non-UTF-8 or corrupt object
     */
    public Content read(String source, String storage) throws SourceException {
        if ("inline".equals(storage)) {
            return Content.text(source);
        }
        String s = source.strip();
        int sep = s.indexOf("://");
        String scheme = sep > 0 ? s.substring(0, sep).toLowerCase() : "";
        switch (scheme) {
            case "gs", "http", "https":
                return Content.link(s);
            case "minio", "s3":
                break;
            default:
                throw new SourceException("not a URI Relay can read (minio://, s3://, gs://, http(s)://) and storage is not"
                        + " \"inline\": " + cut(s));
        }
        String rest = s.substring(sep + 3);
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new SourceException("expected " + scheme + "://BUCKET/KEY, got " + cut(s));
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        if (store == null || !store.bucket().equals(bucket)) {
            throw new SourceException("bucket '" + bucket + "' is not the Relay bucket"
                    + (store == null ? "" : " '" + store.bucket() + "'") + ": Relay reads sources only from its bucket");
        }
        byte[] raw;
        try {
            Optional<ObjectInfo> info = store.stat(key);
            if (info.isEmpty()) {
                throw new SourceException("no object " + s);
            }
            if (info.get().size() > MAX_BYTES) {
                throw new SourceException(s + " is " + info.get().size() + " bytes; Relay reads sources up to " + MAX_BYTES);
            }
            raw = store.get(key).orElseThrow(() -> new SourceException("no object " + s));
        } catch (StoreException e) {
            throw new SourceException("cannot read " + s + ": " + e.getMessage());
        }
        return Content.text(utf8(unpack(raw, s), s));
    }

    /**
     * The content of a stored object: gunzipped when it starts with the gzip magic, and the first
     * file of a tar archive when it is one (POSIX/GNU tar: {@code ustar} at offset 257).
     *
     * @param what named in errors
     * @throws SourceException for a corrupt gzip stream or tar archive, an archive without a file,
     *     or content over {@link #MAX_BYTES}
     */
    public static byte[] unpack(byte[] raw, String what) throws SourceException {
        byte[] data = raw;
        if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
                data = readLimited(in, what);
            } catch (IOException e) {
                throw new SourceException(what + ": corrupt gzip data: " + e.getMessage());
            }
        }
        if (isTar(data)) {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(data))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    if (e.isFile()) {
                        return readLimited(tar, what);
                    }
                }
                throw new SourceException(what + ": the tar archive holds no file");
            } catch (IOException e) {
                throw new SourceException(what + ": corrupt tar archive: " + e.getMessage());
            }
        }
        return data;
    }

    private static boolean isTar(byte[] d) {
        return d.length >= 512 && d[257] == 'u' && d[258] == 's' && d[259] == 't' && d[260] == 'a' && d[261] == 'r';
    }

    private static byte[] readLimited(InputStream in, String what) throws IOException, SourceException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_BYTES) {
                throw new SourceException(what + " unpacks to more than " + MAX_BYTES + " bytes");
            }
        }
        return out.toByteArray();
    }

    private static String utf8(byte[] b, String what) throws SourceException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new SourceException(what + " is not UTF-8 text");
        }
    }

    private static String cut(String s) {
        return s.length() > 100 ? "'" + s.substring(0, 97) + "...'" : "'" + s + "'";
    }
}
