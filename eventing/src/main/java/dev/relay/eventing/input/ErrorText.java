package dev.relay.eventing.input;

/**
 * Failures in plain words for answers, CLI output and task logs (issue 13: no exception class
 * names, no stack traces, no parser internals in anything a user reads). The log keeps the rest.
 */
public final class ErrorText {
    private ErrorText() {}

    /**
     * @return the innermost message of {@code e} and its causes in plain words ({@link #plain}), or
     *     {@code unexpected failure} when none has a message
     */
    public static String of(Throwable e) {
        String why = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t instanceof java.nio.file.FileSystemException f && f.getReason() != null
                    ? (f.getFile() == null ? "" : f.getFile() + ": ") + f.getReason() : t.getMessage();
            if (m != null && !m.isBlank()) {
                why = m;
            }
        }
        return why == null ? "unexpected failure" : plain(why);
    }

    /**
     * @return {@code message}'s first line without Java names: {@code pkg.SomeException: } prefixes
     *     are dropped, qualified class names and Jackson's {@code `java.lang.String`} type quotes
     *     become simple names, {@code (through reference chain …)} is cut
     */
    public static String plain(String message) {
        if (message == null || message.isBlank()) {
            return "unexpected failure";
        }
        String m = message.strip().lines().findFirst().orElse(message);
        int chain = m.indexOf(" (through reference chain");
        if (chain >= 0) {
            m = m.substring(0, chain);
        }
        m = m.replaceAll("\\s*\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", " line $1, column $2");
        m = m.replaceAll("`[\\w.$]*\\.([A-Z][\\w$]*)`", "$1");
        m = m.replaceAll("(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error):\\s*", "");
        m = m.replaceAll("(?:[a-z][\\w$]*\\.){2,}([A-Z][\\w$]*)", "$1");
        return m.strip();
    }
}
