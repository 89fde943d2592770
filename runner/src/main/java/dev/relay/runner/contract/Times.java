package dev.relay.runner.contract;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as docs/contracts.md writes them: RFC 3339 UTC with milliseconds, e.g. {@code 2026-11-29T10:15:00.123Z}. */
public final class Times {
    private static final DateTimeFormatter RFC3339_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {}

    public static String format(Instant t) {
        return RFC3339_MILLIS.format(t);
    }

    public static Instant parse(String s) {
        return Instant.parse(s);
    }
}
