package dev.relay.runner.spec;

import java.util.Locale;

/** Name sanitizing shared by the spec layer, the store and the launchers. */
public final class Names {
    private Names() {
    }

    /** Longest DNS-1123 label. */
    public static final int MAX_LABEL = 63;

    /**
     * A DNS-1123 label for {@code s}: lowercased, every character outside {@code [a-z0-9-]}
     * replaced by {@code -}, runs of {@code -} collapsed to one, leading and trailing {@code -}
     * removed, cut to 63 characters (and trimmed of a trailing {@code -} again); an empty result
     * becomes {@code "x"}. Used as {@code <task>} in object keys; two task ids of one pipeline
     * with the same label are a validation error.
     *
     * @throws NullPointerException if s is null
     */
    public static String dnsLabel(String s) {
        String full = sanitize(s);
        if (full.length() <= MAX_LABEL) {
            return full;
        }
        String cut = full.substring(0, MAX_LABEL);
        int end = cut.length();
        while (end > 0 && cut.charAt(end - 1) == '-') {
            end--;
        }
        return end == 0 ? "x" : cut.substring(0, end);
    }

    /**
     * The DNS-1123 rule without the length cut: lowercase; every run of characters outside
     * {@code [a-z0-9]} becomes one {@code -}; no leading or trailing {@code -}; {@code x} when
     * nothing is left.
     *
     * @throws NullPointerException if s is null
     */
    public static String sanitize(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(lower.length());
        boolean dash = true; // drop leading dashes
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                sb.append(c);
                dash = false;
            } else if (!dash) {
                sb.append('-');
                dash = true;
            }
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == '-') {
            end--;
        }
        return end == 0 ? "x" : sb.substring(0, end);
    }
}
