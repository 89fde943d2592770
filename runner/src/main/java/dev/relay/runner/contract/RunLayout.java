package dev.relay.runner.contract;

import dev.relay.runner.spec.OutputSpec;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object keys of a run in the Relay bucket, exactly as docs/contracts.md lays them out:
 * <pre>
 * runs/&lt;run&gt;/run.json
 * runs/&lt;run&gt;/status.json
 * runs/&lt;run&gt;/generations/&lt;g&gt;/status.json   (the run's status after a retry or resume: a {@link Kind#RUN_STATUS})
 * runs/&lt;run&gt;/tasks/&lt;path&gt;/outputs/&lt;output&gt;
 * runs/&lt;run&gt;/tasks/&lt;path&gt;/mlpipeline-metrics.json | mlpipeline-ui-metadata.json
 * runs/&lt;run&gt;/tasks/&lt;path&gt;/attempts/&lt;n&gt;/log.txt | status.json
 * runs/&lt;run&gt;/tasks/&lt;path&gt;/status.json      (a task that ends without an attempt: a DAG task)
 * </pre>
 * A task's {@code <path>} is its path from the root DAG: DNS-1123 labels joined by {@code /}, one
 * per enclosing DAG task, a loop iteration adding its index ({@code for-loop-2/0/print-op}); a
 * task of a flat v1 pipeline has a one-segment path, so runs written before paths read the same.
 * No segment is {@code outputs} or {@code attempts}, and none has a dot, so a key parses one way.
 * Keys are never built from unchecked input: every part is checked here, and a {@code ..}
 * segment, an absolute path, a control character or a run id / task name that is not a DNS-1123
 * label is an {@link IllegalArgumentException}.
 */
public final class RunLayout {
    /** Prefix of every run's objects. */
    public static final String RUNS = "runs/";
    public static final String METRICS_FILE = "mlpipeline-metrics.json";
    public static final String UI_METADATA_FILE = "mlpipeline-ui-metadata.json";

    private static final Pattern LABEL = dev.relay.eventing.Dns1123.LABEL;
    private static final Pattern RUN_KEY = Pattern.compile("runs/([^/]+)/(run\\.json|status\\.json|generations/[0-9]{1,6}/status\\.json|tasks/(.+))");
    private static final Pattern ATTEMPT = Pattern.compile("attempts/([0-9]{1,6})/(status\\.json|log\\.txt)");
    private static final java.util.Set<String> RESERVED = java.util.Set.of("outputs", "attempts");

    private RunLayout() {}

    /** What an object key in {@code runs/} is. */
    public enum Kind { RUN_JSON, RUN_STATUS, ATTEMPT_STATUS, ATTEMPT_LOG, METRICS, UI_METADATA, OUTPUT, TASK_STATUS }

    /**
     * A parsed run key.
     *
     * @param task    the task path ({@code a/0/b}), null for run-level keys
     * @param attempt 1-based, 0 where the kind has none
     * @param output  the output name for {@link Kind#OUTPUT} (may hold {@code /} for a file inside a
     *                directory output), else null
     */
    public record Key(Kind kind, String runId, String task, int attempt, String output) {}

    /** @return what {@code key} is, or empty for anything else under {@code runs/} or outside it */
    public static Optional<Key> parse(String key) {
        Matcher m = RUN_KEY.matcher(key);
        if (!m.matches() || !LABEL.matcher(m.group(1)).matches()) {
            return Optional.empty();
        }
        String run = m.group(1);
        if (m.group(3) == null) {
            return Optional.of(new Key(m.group(2).equals("run.json") ? Kind.RUN_JSON : Kind.RUN_STATUS, run, null, 0, null));
        }
        // the task path is the longest run of labels that are not reserved; the rest says what the object is
        String rest = m.group(3);
        int end = 0;
        int at = 0;
        while (true) {
            int slash = rest.indexOf('/', at);
            if (slash < 0) {
                break;
            }
            String seg = rest.substring(at, slash);
            if (!LABEL.matcher(seg).matches() || RESERVED.contains(seg)) {
                break;
            }
            end = slash;
            at = slash + 1;
        }
        if (end == 0) {
            return Optional.empty();
        }
        String task = rest.substring(0, end);
        String tail = rest.substring(end + 1);
        Matcher a = ATTEMPT.matcher(tail);
        if (a.matches()) {
            int n = Integer.parseInt(a.group(1));
            return n < 1 ? Optional.empty()
                    : Optional.of(new Key(a.group(2).equals("status.json") ? Kind.ATTEMPT_STATUS : Kind.ATTEMPT_LOG,
                            run, task, n, null));
        }
        switch (tail) {
            case METRICS_FILE:
                return Optional.of(new Key(Kind.METRICS, run, task, 0, null));
            case UI_METADATA_FILE:
                return Optional.of(new Key(Kind.UI_METADATA, run, task, 0, null));
            case "status.json":
                return Optional.of(new Key(Kind.TASK_STATUS, run, task, 0, null));
            default:
                if (tail.startsWith("outputs/") && tail.length() > "outputs/".length()) {
                    return Optional.of(new Key(Kind.OUTPUT, run, task, 0, tail.substring("outputs/".length())));
                }
                return Optional.empty();
        }
    }

    public static String runPrefix(String runId) {
        return RUNS + label(runId, "run id") + "/";
    }

    public static String runJson(String runId) {
        return runPrefix(runId) + "run.json";
    }

    public static String runStatus(String runId) {
        return runPrefix(runId) + "status.json";
    }

    public static String tasksPrefix(String runId) {
        return runPrefix(runId) + "tasks/";
    }

    /** {@code runs/<run>/tasks/<path>/}; {@code task} is a task path (labels joined by {@code /}). */
    public static String taskPrefix(String runId, String task) {
        return tasksPrefix(runId) + path(task) + "/";
    }

    /** {@code runs/<run>/tasks/<path>/status.json}: the status of a task that ends without an attempt (a DAG task). */
    public static String taskStatus(String runId, String task) {
        return taskPrefix(runId, task) + "status.json";
    }

    /**
     * @return {@code task} if it is a task path: DNS-1123 labels joined by {@code /}, none of them
     *         {@code outputs} or {@code attempts}
     * @throws IllegalArgumentException naming the bad segment otherwise
     */
    public static String path(String task) {
        if (task == null || task.isEmpty()) {
            throw new IllegalArgumentException("task path is empty");
        }
        for (String seg : task.split("/", -1)) {
            label(seg, "task path segment");
            if (RESERVED.contains(seg)) {
                throw new IllegalArgumentException("task path segment '" + seg + "' is reserved (in '" + task + "')");
            }
        }
        return task;
    }

    public static String attemptPrefix(String runId, String task, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
        return taskPrefix(runId, task) + "attempts/" + attempt + "/";
    }

    public static String attemptStatus(String runId, String task, int attempt) {
        return attemptPrefix(runId, task, attempt) + "status.json";
    }

    public static String attemptLog(String runId, String task, int attempt) {
        return attemptPrefix(runId, task, attempt) + "log.txt";
    }

    public static String metrics(String runId, String task) {
        return taskPrefix(runId, task) + METRICS_FILE;
    }

    public static String uiMetadata(String runId, String task) {
        return taskPrefix(runId, task) + UI_METADATA_FILE;
    }

    /**
     * Where a task's declared output is published, the one rule for every launcher and for the
     * controller that passes it downstream: KFP v1's metrics and UI metadata outputs (recognised by
     * {@link OutputSpec#isMetrics()} / {@link OutputSpec#isUiMetadata()}) go to the task's
     * {@link #metrics} / {@link #uiMetadata} file, every other one to {@link #output}.
     */
    public static String outputKey(String runId, String task, OutputSpec o) {
        if (o.isMetrics()) {
            return metrics(runId, task);
        }
        if (o.isUiMetadata()) {
            return uiMetadata(runId, task);
        }
        return output(runId, task, o.name());
    }

    /** {@code runs/<run>/tasks/<task>/outputs/<output>} with the output name as declared. */
    public static String output(String runId, String task, String output) {
        return taskPrefix(runId, task) + "outputs/" + safeName(output, "output name");
    }

    /** A run's uploaded input file ({@code relay run -p NAME=@PATH}): {@code runs/<run>/inputs/<name>}. */
    public static String input(String runId, String name) {
        return runPrefix(runId) + "inputs/" + safeName(name, "parameter name");
    }

    /** @return {@code s} if it is a DNS-1123 label, else {@link IllegalArgumentException} naming {@code what} */
    public static String label(String s, String what) {
        if (s == null || !LABEL.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a DNS-1123 label ([a-z0-9-], at most 63)");
        }
        return s;
    }

    /**
     * Checks a name used as one or more key segments: no empty, {@code .} or {@code ..} segment, no
     * leading {@code /}, no control character.
     */
    public static String safeName(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new IllegalArgumentException(what + " '" + s.replaceAll("\\p{Cntrl}", "?") + "' holds a control character");
            }
        }
        for (String seg : s.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException(what + " '" + s + "' is not a relative path without '.', '..' or empty segments");
            }
        }
        return s;
    }
}
