package dev.relay.runner.launch;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Relay's annotations write them ({@code relay.dev/timeout}): Go's
 * {@code time.ParseDuration} units {@code h}, {@code m}, {@code s} in sequence ({@code 1h30m},
 * {@code 90s}, {@code 2h}), or a bare number of seconds ({@code 3600}).
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+)(h|m|s)");

    private Durations() {}

    /**
     * @return the duration in whole seconds, &gt; 0
     * @throws IllegalArgumentException for anything else, quoting the text
     */
    public static long seconds(String text) {
        String s = text == null ? "" : text.trim();
        if (s.matches("[0-9]{1,9}")) {
            return positive(Long.parseLong(s), text);
        }
        if (!s.matches("([0-9]{1,9}[hms])+")) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 90s, 30m, 1h30m, or seconds as a number)");
        }
        long total = 0;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "h" -> n * 3600;
                case "m" -> n * 60;
                default -> n;
            };
        }
        return positive(total, text);
    }

    private static long positive(long v, String text) {
        if (v <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a positive duration");
        }
        return v;
    }
}
