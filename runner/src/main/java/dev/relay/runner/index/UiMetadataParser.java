package dev.relay.runner.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates {@code mlpipeline-ui-metadata.json} ({@code {"outputs": [...]}}) and
 * resolves each entry's data, following KFP v1's frontend ({@code OutputArtifactLoader.ts}):
 * <ul>
 * <li>{@code table}: {@code source}, {@code header}, {@code format} ({@code csv}) required; rows
 *     are the CSV's rows (no header row), each cell trimmed;</li>
 * <li>{@code confusion_matrix}: {@code source}, {@code labels}, {@code schema} (an array of
 *     {@code {"name","type"}}) required; each CSV row is (target, predicted, count), the columns
 *     found by the schema names {@code target}, {@code predicted}, {@code count} (else by position,
 *     as KFP); the CSV must hold labels² rows; {@code matrix[target][predicted]} in
 *     {@code labels} order;</li>
 * <li>{@code roc}: {@code source} and {@code schema} required; the schema must name {@code fpr},
 *     {@code tpr} and a column starting with {@code threshold}; each row is one point;</li>
 * <li>{@code markdown}, {@code web-app}: {@code source} required (the text / HTML);</li>
 * <li>{@code tensorboard}: {@code source} (the log dir) required, kept as a link with
 *     {@code image} and {@code pod_template_spec}.</li>
 * </ul>
 * A {@code format} other than {@code csv} is rejected for the three CSV types. Sources are read by
 * {@link SourceReader}. As KFP does, a file that is not JSON is read once more with line breaks and
 * backslashes removed (its fix for double-escaped {@code pod_template_spec}, kubeflow/pipelines#5830).
 *
 * <p>Unlike KFP, which shows nothing once one entry fails, every good entry is kept and each bad
 * one gives {@link IndexError}s (all its missing fields at once; a data error once the entry's
 * fields are valid). An unknown {@code type} is an error (KFP logs and skips it). An empty file
 * holds nothing and no error.
 */
public final class UiMetadataParser {
    /** The six visualization types. */
    public static final Set<String> TYPES = Set.of("table", "confusion_matrix", "roc", "markdown", "web-app", "tensorboard");

    private UiMetadataParser() {}

    /**
     * What one UI-metadata file holds.
     *
     * @param visualizations the valid entries with their data, in file order
     * @param errors         one per problem, in file order; a file-level error is the only one
     */
    public record Result(List<Visualization> visualizations, List<IndexError> errors) {}

    /**
     * @param file    the object key (named in errors)
     * @param task    the task the file belongs to
     * @param data    the file's bytes (UTF-8 JSON)
     * @param sources reads {@code minio://} / {@code s3://} sources
     */
    public static Result parse(String file, String task, byte[] data, SourceReader sources) {
        List<Visualization> out = new ArrayList<>();
        List<IndexError> errors = new ArrayList<>();
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return new Result(out, errors);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            try {
                root = Json.MAPPER.readTree(text.replaceAll("(\\r\\n|\\n|\\r|\\\\)", ""));
            } catch (IOException again) {
                return fileError(file, null, "not valid JSON: " + JsonText.shortMessage(e));
            }
        }
        if (root == null || !root.isObject()) {
            return fileError(file, null, "expected a JSON object {\"outputs\": [...]}, got " + JsonText.kind(root));
        }
        JsonNode list = root.get("outputs");
        if (list == null || list.isNull()) {
            return fileError(file, "outputs", "\"outputs\" field required but not found in the metadata file");
        }
        if (!list.isArray()) {
            return fileError(file, "outputs", "\"outputs\" must be an array, got " + JsonText.kind(list));
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                errors.add(new IndexError(file, i, null, "an output must be an object with \"type\" and \"source\", got "
                        + JsonText.kind(m)));
                continue;
            }
            new Entry(file, task, i, (ObjectNode) m, sources, errors).build().ifPresent(out::add);
        }
        return new Result(out, errors);
    }

    private static Result fileError(String file, String field, String message) {
        return new Result(List.of(), List.of(IndexError.ofFile(file, field, message)));
    }

    /** Checks and resolves one entry, adding its errors to the shared list. */
    private static final class Entry {
        final String file;
        final String task;
        final int index;
        final ObjectNode m;
        final SourceReader sources;
        final List<IndexError> errors;
        int found;

        Entry(String file, String task, int index, ObjectNode m, SourceReader sources, List<IndexError> errors) {
            this.file = file;
            this.task = task;
            this.index = index;
            this.m = m;
            this.sources = sources;
            this.errors = errors;
        }

        void error(String field, String message) {
            errors.add(new IndexError(file, index, field, message));
            found++;
        }

        java.util.Optional<Visualization> build() {
            JsonNode t = m.get("type");
            if (t == null || t.isNull()) {
                error("type", "Malformed metadata, property \"type\" is required (one of " + String.join(", ", sorted()) + ")");
                return java.util.Optional.empty();
            }
            String type = t.asText();
            if (!t.isTextual() || !TYPES.contains(type)) {
                error("type", "unknown visualization type " + JsonText.show(t) + " (one of " + String.join(", ", sorted()) + ")");
                return java.util.Optional.empty();
            }
            String source = requiredText("source");
            String storage = m.hasNonNull("storage") ? m.get("storage").asText() : null;
            ObjectNode data = Json.MAPPER.createObjectNode();
            String link = null;
            try {
                switch (type) {
                    case "table" -> {
                        ArrayNode header = requiredArray("header");
                        requiredFormat(true);
                        if (found > 0) {
                            return java.util.Optional.empty();
                        }
                        data.set("header", texts(header));
                        SourceReader.Content c = sources.read(source, storage);
                        link = c.link();
                        data.set("rows", c.text() == null ? null : table(c.text()));
                    }
                    case "confusion_matrix" -> {
                        ArrayNode labels = requiredArray("labels");
                        List<String> schema = schema();
                        requiredFormat(false);
                        if (found > 0) {
                            return java.util.Optional.empty();
                        }
                        ArrayNode labelTexts = texts(labels);
                        data.set("labels", labelTexts);
                        ArrayNode axes = data.putArray("axes");
                        axes.add(schema.size() > 0 ? schema.get(0) : "target");
                        axes.add(schema.size() > 1 ? schema.get(1) : "predicted");
                        SourceReader.Content c = sources.read(source, storage);
                        link = c.link();
                        data.set("matrix", c.text() == null ? null : matrix(c.text(), labelTexts, schema));
                    }
                    case "roc" -> {
                        List<String> schema = schema();
                        requiredFormat(false);
                        int fpr = schema.indexOf("fpr");
                        int tpr = schema.indexOf("tpr");
                        int threshold = -1;
                        for (int k = 0; k < schema.size(); k++) {
                            if (schema.get(k) != null && schema.get(k).startsWith("threshold")) {
                                threshold = k;
                                break;
                            }
                        }
                        if (found == 0) {
                            if (fpr < 0) {
                                error("schema", "Malformed schema, expected to find a column named \"fpr\"");
                            }
                            if (tpr < 0) {
                                error("schema", "Malformed schema, expected to find a column named \"tpr\"");
                            }
                            if (threshold < 0) {
                                error("schema", "Malformed schema, expected to find a column named \"threshold\"");
                            }
                        }
                        if (found > 0) {
                            return java.util.Optional.empty();
                        }
                        SourceReader.Content c = sources.read(source, storage);
                        link = c.link();
                        data.set("points", c.text() == null ? null : roc(c.text(), fpr, tpr, threshold));
                    }
                    case "markdown", "web-app" -> {
                        if (found > 0) {
                            return java.util.Optional.empty();
                        }
                        SourceReader.Content c = sources.read(source, storage);
                        link = c.link();
                        data.put(type.equals("markdown") ? "markdown" : "html", c.text());
                    }
                    case "tensorboard" -> {
                        if (found > 0) {
                            return java.util.Optional.empty();
                        }
                        link = source.strip();
                        data.put("logdir", link);
                        data.set("image", m.get("image"));
                        data.set("podTemplateSpec", m.get("pod_template_spec"));
                    }
                    default -> throw new IllegalStateException(type);
                }
            } catch (SourceReader.SourceException | DataException e) {
                error("source", e.getMessage());
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new Visualization(task, index, type, storage, source, link, data));
        }

        private static List<String> sorted() {
            return TYPES.stream().sorted().toList();
        }

        private String requiredText(String field) {
            JsonNode v = m.get(field);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                error(field, "Malformed metadata, property \"" + field + "\" is required.");
                return null;
            }
            if (!v.isTextual()) {
                error(field, "\"" + field + "\" must be a string, got " + JsonText.kind(v));
                return null;
            }
            return v.asText();
        }

        private ArrayNode requiredArray(String field) {
            JsonNode v = m.get(field);
            if (v == null || v.isNull()) {
                error(field, "Malformed metadata, property \"" + field + "\" is required.");
                return null;
            }
            if (!v.isArray()) {
                error(field, "\"" + field + "\" must be an array of strings, got " + JsonText.kind(v));
                return null;
            }
            for (JsonNode e : v) {
                if (!e.isValueNode() || e.isNull()) {
                    error(field, "\"" + field + "\" must be an array of strings, holds " + JsonText.kind(e));
                    return null;
                }
            }
            return (ArrayNode) v;
        }

        /** {@code format}: required for a table (KFP), else optional; csv only. */
        private void requiredFormat(boolean required) {
            JsonNode v = m.get("format");
            if (v == null || v.isNull()) {
                if (required) {
                    error("format", "Malformed metadata, property \"format\" is required.");
                }
                return;
            }
            if (!"csv".equals(v.asText())) {
                error("format", "Unsupported format " + JsonText.show(v) + ": only \"csv\" is supported");
            }
        }

        /** The schema's column names (null for a nameless column is an error). */
        private List<String> schema() {
            JsonNode v = m.get("schema");
            List<String> names = new ArrayList<>();
            if (v == null || v.isNull()) {
                error("schema", "Malformed metadata, property \"schema\" is required.");
                return names;
            }
            if (!v.isArray()) {
                error("schema", "Malformed schema, must be an array of {\"name\": string, \"type\": string}");
                return names;
            }
            for (JsonNode col : v) {
                JsonNode name = col.get("name");
                if (name == null || !name.isTextual() || name.asText().isEmpty()) {
                    error("schema", "Each item in the \"schema\" array must contain a \"name\" field");
                    return names;
                }
                names.add(name.asText());
            }
            return names;
        }

        private static ArrayNode texts(ArrayNode a) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            a.forEach(e -> out.add(e.asText()));
            return out;
        }

        private static List<List<String>> csv(String text) throws DataException {
            try {
                return Csv.parse(text);
            } catch (IllegalArgumentException e) {
                throw new DataException("CSV " + e.getMessage());
            }
        }

        private static ArrayNode table(String text) throws DataException {
            ArrayNode rows = Json.MAPPER.createArrayNode();
            for (List<String> r : csv(text)) {
                ArrayNode row = rows.addArray();
                r.forEach(cell -> row.add(cell.strip()));
            }
            return rows;
        }

        private static ArrayNode matrix(String text, ArrayNode labels, List<String> schema) throws DataException {
            int n = labels.size();
            Map<String, Integer> index = new HashMap<>();
            for (int k = 0; k < n; k++) {
                if (index.putIfAbsent(labels.get(k).asText().strip(), k) != null) {
                    throw new DataException("label '" + labels.get(k).asText() + "' appears twice in \"labels\"");
                }
            }
            int tc = schema.indexOf("target");
            int pc = schema.indexOf("predicted");
            int cc = schema.indexOf("count");
            if (tc < 0 || pc < 0 || cc < 0) {
                tc = 0;
                pc = 1;
                cc = 2;
            }
            List<List<String>> rows = csv(text);
            if (rows.size() != n * n) {
                throw new DataException("Data dimensions " + rows.size() + " do not match the number of labels passed " + n
                        + " (expected " + n * n + " rows)");
            }
            BigDecimal[][] m = new BigDecimal[n][n];
            int line = 0;
            for (List<String> r : rows) {
                line++;
                int need = Math.max(tc, Math.max(pc, cc)) + 1;
                if (r.size() < need) {
                    throw new DataException("row " + line + " has " + r.size() + " columns, expected at least " + need);
                }
                Integer i = index.get(r.get(tc).strip());
                Integer j = index.get(r.get(pc).strip());
                if (i == null || j == null) {
                    throw new DataException("row " + line + ": label '" + (i == null ? r.get(tc) : r.get(pc)).strip()
                            + "' is not in \"labels\"");
                }
                if (m[i][j] != null) {
                    throw new DataException("row " + line + ": a second count for (" + r.get(tc).strip() + ", " + r.get(pc).strip() + ")");
                }
                m[i][j] = decimal(r.get(cc), "row " + line + ": count");
            }
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (BigDecimal[] row : m) {
                ArrayNode a = out.addArray();
                for (BigDecimal v : row) {
                    a.add(number(v));
                }
            }
            return out;
        }

        private static ArrayNode roc(String text, int fpr, int tpr, int threshold) throws DataException {
            ArrayNode points = Json.MAPPER.createArrayNode();
            int need = Math.max(fpr, Math.max(tpr, threshold)) + 1;
            int line = 0;
            for (List<String> r : csv(text)) {
                line++;
                if (r.size() < need) {
                    throw new DataException("row " + line + " has " + r.size() + " columns, expected at least " + need);
                }
                ObjectNode p = points.addObject();
                p.set("fpr", number(decimal(r.get(fpr), "row " + line + ": fpr")));
                p.set("tpr", number(decimal(r.get(tpr), "row " + line + ": tpr")));
                String th = r.get(threshold).strip();
                try {
                    p.set("threshold", number(decimal(th, "threshold")));
                } catch (DataException e) {
                    p.put("threshold", th);
                }
            }
            return points;
        }

        private static BigDecimal decimal(String s, String what) throws DataException {
            BigDecimal d;
            try {
                d = new BigDecimal(s.strip());
            } catch (NumberFormatException e) {
                throw new DataException(what + " '" + s.strip() + "' is not a number");
            }
            if (Double.isInfinite(d.doubleValue())) {
                throw new DataException(what + " '" + s.strip() + "' is out of range");
            }
            return d;
        }

        /** An integral value as a JSON integer, else a JSON decimal. */
        private static JsonNode number(BigDecimal v) {
            BigDecimal s = v.stripTrailingZeros();
            if (s.scale() <= 0 && s.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                long l = s.longValueExact();
                return l == (int) l ? Json.MAPPER.getNodeFactory().numberNode((int) l) : Json.MAPPER.getNodeFactory().numberNode(l);
            }
            return Json.MAPPER.getNodeFactory().numberNode(v.doubleValue());
        }
    }

    /** Data that does not fit the entry's declaration (CSV shape, labels, numbers). */
    private static final class DataException extends Exception {
        private static final long serialVersionUID = 1L;

        DataException(String message) {
            super(message);
        }
    }
}
