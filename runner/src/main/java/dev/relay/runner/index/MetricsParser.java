package dev.relay.runner.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses and validates {@code mlpipeline-metrics.json}:
 * {@code {"metrics": [{"name", "numberValue" | "number_value", "format"?}]}}.
 *
 * <p>The rules are KFP v1's: the persistence agent reads the file as the proto-JSON of
 * {@code ReportRunMetricsRequest} and keeps at most 50 metrics per run
 * ({@code backend/src/agent/persistence/worker/metrics_reporter.go}); the apiserver checks each
 * name against {@value #NAME_PATTERN} ({@code backend/src/apiserver/server/run_metric_util.go});
 * {@code format} is the {@code RunMetric.Format} enum ({@code RAW}, {@code PERCENTAGE},
 * {@code UNSPECIFIED}; proto-JSON also allows its numbers 1, 2, 0); a second metric of the same name
 * in the same task is a duplicate report.
 *
 * <p>Where KFP drops the whole file for one bad entry, Relay keeps every good entry and reports
 * each bad one as an {@link IndexError} with its index and field: a name that does not match, a
 * missing, {@code NaN}, infinite or non-numeric value, an unknown format, a duplicate name, an
 * entry past the 50th. Numbers may be given as JSON numbers or as proto-JSON numeric strings
 * ({@code "0.5"}); fields other than these three are ignored. An empty file holds no metrics and
 * no error (KFP skips it).
 */
public final class MetricsParser {
    /** KFP's metric name rule (KFP ≥ 0.5.2). */
    public static final String NAME_PATTERN = "^[a-zA-Z]([-_a-zA-Z0-9]{0,62}[a-zA-Z0-9])?$";
    /** KFP's {@code maxMetricsCountLimit}: at most this many metrics per run. */
    public static final int MAX_METRICS = 50;

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    private MetricsParser() {}

    /**
     * What one metrics file holds.
     *
     * @param metrics the valid entries, in file order
     * @param errors  one per problem, in file order; a file-level error is the only one
     */
    public record Result(List<Metric> metrics, List<IndexError> errors) {}

    /**
     * @param file the object key (named in errors)
     * @param task the task the file belongs to (copied into each {@link Metric})
     * @param data the file's bytes (UTF-8 JSON; a bare {@code NaN} as Python writes it is read)
     */
    public static Result parse(String file, String task, byte[] data) {
        List<Metric> metrics = new ArrayList<>();
        List<IndexError> errors = new ArrayList<>();
        if (new String(data, StandardCharsets.UTF_8).isBlank()) {
            return new Result(metrics, errors);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            return fileError(file, null, "not valid JSON: " + JsonText.shortMessage(e));
        }
        if (root == null || !root.isObject()) {
            return fileError(file, null, "expected a JSON object {\"metrics\": [...]}, got " + JsonText.kind(root));
        }
        JsonNode list = root.get("metrics");
        if (list == null || list.isNull()) {
            return fileError(file, "metrics", "\"metrics\" field required but not found in the metrics file");
        }
        if (!list.isArray()) {
            return fileError(file, "metrics", "\"metrics\" must be an array, got " + JsonText.kind(list));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            if (i >= MAX_METRICS) {
                errors.add(new IndexError(file, i, null, "more than " + MAX_METRICS + " metrics (KFP's limit): only the first "
                        + MAX_METRICS + " are kept, entries " + i + " to " + (list.size() - 1) + " are dropped"));
                break;
            }
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                errors.add(new IndexError(file, i, null, "a metric must be an object {\"name\", \"numberValue\", \"format\"}, got "
                        + JsonText.kind(m)));
                continue;
            }
            int before = errors.size();
            String name = null;
            JsonNode n = m.get("name");
            if (n == null || n.isNull()) {
                errors.add(new IndexError(file, i, "name", "metric.name is required"));
            } else if (!n.isTextual()) {
                errors.add(new IndexError(file, i, "name", "metric.name must be a string, got " + JsonText.kind(n)));
            } else if (!NAME.matcher(n.asText()).matches()) {
                errors.add(new IndexError(file, i, "name", "metric.name '" + n.asText() + "' doesn't match with the pattern '"
                        + NAME_PATTERN + "'"));
            } else {
                name = n.asText();
            }
            Double value = value(file, i, m, errors);
            String format = format(file, i, m.get("format"), errors);
            if (name != null && errors.size() == before) {
                Integer first = seen.putIfAbsent(name, i);
                if (first != null) {
                    errors.add(new IndexError(file, i, "name", "duplicate metric name '" + name + "' (first at entry " + first
                            + "): only the first is kept"));
                    continue;
                }
                metrics.add(new Metric(task, i, name, value, format));
            }
        }
        return new Result(metrics, errors);
    }

    private static Double value(String file, int i, JsonNode m, List<IndexError> errors) {
        JsonNode camel = m.get("numberValue");
        JsonNode snake = m.get("number_value");
        String field = camel != null ? "numberValue" : "number_value";
        JsonNode v = camel != null ? camel : snake;
        if (v == null || v.isNull()) {
            errors.add(new IndexError(file, i, "numberValue", "metric.numberValue (or number_value) is required"));
            return null;
        }
        Double d = number(v);
        if (d == null) {
            errors.add(new IndexError(file, i, field, "metric." + field + " must be a number, got " + JsonText.kind(v)));
            return null;
        }
        if (d.isNaN() || d.isInfinite()) {
            errors.add(new IndexError(file, i, field, "metric." + field + " is " + (d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity")
                    + ": not a finite number, the metric is not kept"));
            return null;
        }
        if (camel != null && snake != null) {
            Double other = number(snake);
            if (other == null || Double.compare(other, d) != 0) {
                errors.add(new IndexError(file, i, "number_value", "metric has both numberValue and number_value, with different values"));
                return null;
            }
        }
        return d;
    }

    /** A JSON number, or a proto-JSON string number ("0.5", "NaN", "Infinity"); null otherwise. */
    private static Double number(JsonNode v) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            String s = v.asText();
            switch (s) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default:
                    return JSON_NUMBER.matcher(s).matches() ? Double.valueOf(s) : null;
            }
        }
        return null;
    }

    private static String format(String file, int i, JsonNode f, List<IndexError> errors) {
        if (f == null || f.isNull()) {
            return null;
        }
        if (f.isIntegralNumber()) {
            switch (f.asInt()) {
                case 0: return null;
                case 1: return "RAW";
                case 2: return "PERCENTAGE";
                default: break;
            }
        } else if (f.isTextual()) {
            switch (f.asText()) {
                case "UNSPECIFIED": return null;
                case "RAW": return "RAW";
                case "PERCENTAGE": return "PERCENTAGE";
                default: break;
            }
        }
        errors.add(new IndexError(file, i, "format", "metric.format " + JsonText.show(f)
                + " is not one of RAW, PERCENTAGE (or UNSPECIFIED)"));
        return null;
    }

    private static Result fileError(String file, String field, String message) {
        return new Result(List.of(), List.of(IndexError.ofFile(file, field, message)));
    }
}
