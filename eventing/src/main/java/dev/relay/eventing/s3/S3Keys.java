package dev.relay.eventing.s3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Object-key encodings used in S3 and MinIO notifications.
 *
 * <ul>
 *   <li>MinIO escapes {@code Records[].s3.object.key} with Go's {@code url.QueryEscape}
 *       ({@code cmd/event-notification.go}): every byte of the UTF-8 form except
 *       {@code A-Z a-z 0-9 - _ . ~} becomes {@code %XX} (uppercase hex), space becomes {@code +},
 *       so {@code /} is {@code %2F} and {@code +} is {@code %2B}.</li>
 *   <li>AWS form-encodes the key but keeps {@code /} (and writes {@code %20} in some samples).</li>
 * </ul>
 * Both are read back with {@link #formDecode(String)}.
 */
public final class S3Keys {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private S3Keys() {
    }

    /**
     * Escapes like Go's {@code url.QueryEscape} (not {@link java.net.URLEncoder}, which keeps
     * {@code *} and escapes {@code ~}).
     *
     * @param key the object name as stored (not null)
     * @return the escaped form, e.g. {@code pipelines%2Fin+put%2FQ1%2BQ2.csv}
     */
    public static String queryEscape(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /**
     * Decodes with HTML-form semantics: {@code +} is a space, {@code %XX} is one byte, and the
     * bytes are read as UTF-8 ({@code %2B} → {@code +}, {@code %2F} → {@code /},
     * {@code r%C3%A9sum%C3%A9} → {@code résumé}). Lenient where {@link java.net.URLDecoder}
     * throws: a {@code %} not followed by two hex digits is kept as is; malformed UTF-8 becomes
     * U+FFFD.
     *
     * @param encoded the key as the notification gives it (not null)
     * @return the object name
     */
    public static String formDecode(String encoded) {
        if (encoded.indexOf('%') < 0 && encoded.indexOf('+') < 0) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        int i = 0;
        int n = encoded.length();
        while (i < n) {
            char ch = encoded.charAt(i);
            if (ch == '+') {
                bytes.write(' ');
                i++;
            } else if (ch == '%' && i + 2 < n && hex(encoded.charAt(i + 1)) >= 0 && hex(encoded.charAt(i + 2)) >= 0) {
                bytes.write(hex(encoded.charAt(i + 1)) << 4 | hex(encoded.charAt(i + 2)));
                i += 3;
            } else {
                int cp = encoded.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(cp);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
