package dev.relay.functions.events;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of CloudEvent attribute values in HTTP binary-mode headers (CloudEvents HTTP
 * binding §3.1.3.2): space, {@code "}, {@code %} and every character outside printable ASCII are
 * sent as UTF-8 {@code %XX}. The SDK's HTTP writer and reader do neither, so a decoded S3 key
 * with a space or a non-ASCII letter in {@code ce-subject} would not be a valid header.
 */
public final class CeHeaders {
    private CeHeaders() {}

    /** @return {@code value} as a header value: encoded for {@code ce-*} headers, else as is */
    public static String encode(String name, String value) {
        if (value == null || !name.regionMatches(true, 0, "ce-", 0, 3)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '"' && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** @return a {@code ce-*} header value with {@code %XX} sequences decoded as UTF-8 (a stray {@code %} stays) */
    public static String decode(String name, String value) {
        if (value == null || !name.regionMatches(true, 0, "ce-", 0, 3) || value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        byte[] in = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && Character.digit(in[i + 1], 16) >= 0 && Character.digit(in[i + 2], 16) >= 0) {
                out.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
