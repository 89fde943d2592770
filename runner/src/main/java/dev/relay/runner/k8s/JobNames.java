package dev.relay.runner.k8s;


/**
 * Names and label values of Relay's Kubernetes objects (docs/architecture.md §3, §9).
 *
 * <p>A Job's name is {@code <run>-<task>} sanitized to DNS-1123 and cut to leave room, then
 * {@code -<8 hex of sha256(run/task)>-a<attempt>}: deterministic (the same execution always gets
 * the same name, so a second create is a 409), unique (the hash covers the whole run and task,
 * so names cut alike still differ) and at most 63 characters (Kubernetes copies the Job's name
 * into the {@code job-name} label of its pods, and label values stop at 63).
 *
 * <p>Label values ({@code relay.dev/run}, {@code relay.dev/task}, {@code relay.dev/attempt}) are
 * sanitized the same way; a value longer than 63 is cut and ends in {@code -<8 hex of
 * sha256(original)>}. The original names go in annotations of the same keys.
 */
public final class JobNames {
    /** Longest Kubernetes label value and longest name of a Job. */
    public static final int MAX = 63;
    /** Label and annotation key of the run id. */
    public static final String RUN = "relay.dev/run";
    /** Label and annotation key of the task name. */
    public static final String TASK = "relay.dev/task";
    /** Label and annotation key of the attempt number. */
    public static final String ATTEMPT = "relay.dev/attempt";
    /** Label that marks every object Relay manages. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    private JobNames() {}

    /**
     * The Job of one execution.
     *
     * @param runId   the run id (any text; normally already a DNS-1123 label)
     * @param task    the task name
     * @param attempt 1-based
     * @return a DNS-1123 label of at most 63 characters
     * @throws IllegalArgumentException if {@code attempt < 1} or a name is null or empty
     */
    public static String jobName(String runId, String task, int attempt) {
        requireText(runId, "run id");
        requireText(task, "task name");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
        String suffix = "-" + hash8(runId + "/" + task) + "-a" + attempt;
        String base = cut(sanitize(runId + "-" + task), MAX - suffix.length());
        return base + suffix;
    }

    /**
     * A label value for {@code value}: sanitized like a DNS-1123 label; kept when it has at most
     * 63 characters, else cut to 54 and ended with {@code -<8 hex of sha256(value)>}.
     *
     * @throws IllegalArgumentException if {@code value} is null or empty
     */
    public static String labelValue(String value) {
        requireText(value, "label value");
        String s = sanitize(value);
        if (s.length() <= MAX) {
            return s;
        }
        String suffix = "-" + hash8(value);
        return cut(s, MAX - suffix.length()) + suffix;
    }

    /**
     * {@code s} lowercased, every character outside {@code [a-z0-9]} turned into {@code -}, runs of
     * {@code -} collapsed, leading and trailing {@code -} removed (no length limit); {@code "x"}
     * when nothing is left. The same rule as {@link dev.relay.runner.spec.Names#dnsLabel}, uncut.
     */
    public static String sanitize(String s) {
        return dev.relay.runner.spec.Names.sanitize(s);
    }

    /** The first 8 hex digits of the sha256 of {@code s}'s UTF-8 bytes. */
    public static String hash8(String s) {
        return dev.relay.eventing.Sha256.hex(s).substring(0, 8);
    }

    private static String cut(String s, int max) {
        String c = s.length() <= max ? s : s.substring(0, max);
        int end = c.length();
        while (end > 0 && c.charAt(end - 1) == '-') {
            end--;
        }
        return end == 0 ? "x" : c.substring(0, end);
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }
}
