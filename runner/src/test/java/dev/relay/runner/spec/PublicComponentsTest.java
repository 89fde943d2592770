package dev.relay.runner.spec;

import static dev.relay.runner.spec.TestSupport.PATHS;
import static dev.relay.runner.spec.TestSupport.argv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real KFP v1 components in {@code ../shared/cases/v1_components/} (read in place; skipped
 * when the folder is absent): every one validates, and the argv each resolves to is exact.
 */
class PublicComponentsTest {

    static Stream<Path> components() throws IOException {
        Path dir = TestSupport.sharedComponents();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        assertTrue(files.size() >= 20, "expected the 20 shared components, found " + files.size());
        return files.stream();
    }

    static ComponentSpec load(String name) throws SpecException {
        return ComponentLoader.load(TestSupport.sharedComponents().resolve(name + ".component.yaml"));
    }

    @ParameterizedTest
    @MethodSource("components")
    void everyComponentValidates(Path file) throws SpecException {
        ComponentSpec c = ComponentLoader.load(file);
        assertNotNull(c.container(), file.toString());
        assertFalse(c.isPipeline());
        assertEquals(file.toString(), c.sourceFile());
    }

    @Test
    void busyboxFoldedScriptStaysFolded() throws SpecException {
        ComponentSpec c = load("sdktest_2_inputs_2_outputs_busybox");
        // The flow-style single-quoted scalar folds its lines into one (as PyYAML does): the
        // script is one broken mkdir line, and it must stay exactly that.
        assertEquals(List.of("sh", "-c",
                        " mkdir -p $(dirname \"$2\") mkdir -p $(dirname \"$3\") echo \"$0\" > \"$2\" cp \"$1\" \"$3\" ",
                        "hello world",
                        "/relay/inputs/Input artifact/data",
                        "/relay/outputs/Output 1/data",
                        "/relay/outputs/Output 2/data"),
                argv(c, Map.of("Input parameter", "hello world", "Input artifact", "ignored content")));
    }

    @Test
    void removeHeaderKeepsSameNamedInputAndOutputApart() throws SpecException {
        ComponentSpec c = load("tables_remove_header");
        assertTrue(c.input("table").isPresent());
        assertTrue(c.output("table").isPresent());
        ResolvedCommand r = Resolver.resolve(c, Map.of("table", "a,b\n1,2\n"), PATHS);
        assertEquals(List.of("sh", "-exc", "mkdir -p \"$(dirname \"$1\")\"\ntail -n +2 <\"$0\" >\"$1\"\n",
                "/relay/inputs/table/data", "/relay/outputs/table/data"), r.argv());
        assertEquals(Map.of("table", "/relay/inputs/table/data"), r.inputPaths());
        assertEquals(Map.of("table", "/relay/outputs/table/data"), r.outputPaths());
        assertEquals(Map.of("table", "a,b\n1,2\n"), r.inputValues());
    }

    @Test
    void ifPlaceholderBothBranches() throws SpecException {
        ComponentSpec c = load("sdktest_if_placeholder_optional_inputs");
        assertEquals(List.of("--arg0", "req", "--arg3", "default value"), argv(c, Map.of("required_input", "req")));
        assertEquals(List.of("--arg0", "req", "--arg1", "o1", "--arg2", "o2"),
                argv(c, Map.of("required_input", "req", "optional_input_1", "o1", "optional_input_2", "o2")));
        assertEquals(List.of("--arg0", "req", "--arg2", "o2"),
                argv(c, Map.of("required_input", "req", "optional_input_2", "o2")));
    }

    @Test
    void concatPlaceholder() throws SpecException {
        ComponentSpec c = load("sdktest_concat_placeholder");
        assertTrue(c.container().command().isEmpty()); // the image's ENTRYPOINT runs
        assertEquals(List.of("--arg0", "prefix-some value"), argv(c, Map.of("input_prefix", "prefix-")));
    }

    @Test
    void buildDictWithSomeOptionalInputsAbsent() throws Exception {
        Path file = TestSupport.sharedComponents().resolve("json_build_dict_python_c.component.yaml");
        ComponentSpec c = ComponentLoader.load(file);
        String script = blockLiteralAfter(Files.readString(file, StandardCharsets.UTF_8), "    - -c");
        assertTrue(script.startsWith("def build_dict(\n    key_1 = None,\n"), script);
        Map<String, String> args = new LinkedHashMap<>();
        args.put("key_1", "name");
        args.put("value_1", "{\"first\": \"Ada\"}");
        args.put("key_3", "n");
        args.put("value_3", "3");
        ResolvedCommand r = Resolver.resolve(c, args, PATHS);
        assertEquals(List.of("python3", "-u", "-c", script,
                "--key-1", "name", "--value-1", "{\"first\": \"Ada\"}", "--key-3", "n", "--value-3", "3",
                "----output-paths", "/relay/outputs/Output/data"), r.argv());
        assertEquals(Map.of("Output", "/relay/outputs/Output/data"), r.outputPaths());
        assertEquals(args, r.inputValues());
        // nothing given: only the output-paths flag remains
        assertEquals(List.of("python3", "-u", "-c", script, "----output-paths", "/relay/outputs/Output/data"),
                argv(c, Map.of()));
    }

    @Test
    void getFilePlaceholdersInsideCommand() throws SpecException {
        ComponentSpec c = load("filesystem_get_file");
        assertTrue(c.container().args().isEmpty());
        ResolvedCommand r = Resolver.resolve(c, Map.of("Directory", "ignored", "Subpath", "a/b.txt"), PATHS);
        assertEquals(List.of("sh", "-ex", "-c", "mkdir -p \"$(dirname \"$2\")\"\ncp -r \"$0/$1\" \"$2\"\n",
                "/relay/inputs/Directory/data", "a/b.txt", "/relay/outputs/File/data"), r.argv());
        assertEquals(Map.of("Directory", "/relay/inputs/Directory/data"), r.inputPaths());
    }

    @Test
    void grepDefaultBecomesTheArgument() throws SpecException {
        ComponentSpec c = load("sample_shell_script_grep");
        List<String> argv = argv(c, Map.of("Text", "x"));
        assertEquals(List.of("/relay/inputs/Text/data", ".*", "/relay/outputs/Filtered text/data"),
                argv.subList(3, 6));
        assertEquals(".*", Resolver.resolve(c, Map.of("Text", "x"), PATHS).inputValues().get("Pattern"));
        assertEquals("^a", argv(c, Map.of("Text", "x", "Pattern", "^a")).get(4));
    }

    @Test
    void xgboostDefaultsArePresentAndAbsentOptionalsDrop() throws SpecException {
        ComponentSpec c = load("xgboost_train_pip_install_python_c");
        List<String> argv = argv(c, Map.of("training_data", "csv"));
        int i = argv.indexOf("--training-data");
        assertEquals(List.of("--training-data", "/relay/inputs/training_data/data",
                "--label-column", "0", "--num-iterations", "10", "--objective", "reg:squarederror",
                "--booster", "gbtree", "--learning-rate", "0.3", "--min-split-loss", "0", "--max-depth", "6",
                "--model", "/relay/outputs/model/data", "--model-config", "/relay/outputs/model_config/data"),
                argv.subList(i, argv.size()));
        assertEquals("python3", argv.get(3)); // "$0" of the pip wrapper script
    }

    @Test
    void splitRowsMixesPathsAndOutputPathsValues() throws SpecException {
        ComponentSpec c = load("arkkun_split_rows_into_subsets_csv_program_path");
        List<String> argv = argv(c, Map.of("table", "t", "fraction_1", "0.5"));
        int i = argv.indexOf("--table");
        assertEquals(List.of("--table", "/relay/inputs/table/data", "--fraction-1", "0.5",
                "--random-seed", "0",
                "--split-1", "/relay/outputs/split_1/data", "--split-2", "/relay/outputs/split_2/data",
                "--split-3", "/relay/outputs/split_3/data", "----output-paths",
                "/relay/outputs/split_1_count/data", "/relay/outputs/split_2_count/data",
                "/relay/outputs/split_3_count/data"), argv.subList(i, argv.size()));
        assertEquals(List.of("sh", "-ec"), argv.subList(0, 2));
        assertTrue(argv.get(2).startsWith("program_path=$(mktemp)\n"));
    }

    @Test
    void fancyTrainerUris() throws SpecException {
        ComponentSpec c = load("sdktest_fancy_trainer_inputUri_outputUri");
        ResolvedCommand r = Resolver.resolve(c, Map.of("examples", "e", "optimizer", "adam", "n_epochs", "5"), PATHS);
        assertEquals(List.of("--input-examples", "s3://mlpipeline/in/examples", "--optimizer", "adam",
                "--n_epochs", "5", "--output-model", "s3://mlpipeline/out/model"), r.argv());
        assertEquals(Map.of("examples", "s3://mlpipeline/in/examples"), r.inputUris());
        assertEquals(Map.of("model", "s3://mlpipeline/out/model"), r.outputUris());
        assertTrue(r.outputPaths().isEmpty());
    }

    @Test
    void athenaFileOutputsAreCollectedAtTheirPath() throws SpecException {
        ComponentSpec c = load("aws_athena_query_fileOutputs");
        Map<String, String> args = Map.of("region", "us-east-1", "database", "db", "query", "SELECT 1",
                "output_path", "s3://b/o", "workgroup", "wg");
        ResolvedCommand r = Resolver.resolve(c, args, PATHS);
        assertEquals(List.of("python", "query.py", "--region", "us-east-1", "--database", "db", "--query", "SELECT 1",
                "--output", "s3://b/o", "--workgroup", "wg"), r.argv());
        assertEquals(Map.of("output_path", "/output.txt"), r.outputPaths());
        assertEquals(Map.of("output_path", "/output.txt"), c.container().fileOutputs());
    }

    @Test
    void specialOutputsRecognised() throws SpecException {
        ComponentSpec dnn = load("kubeflow_dnntrainer_ui_metadata");
        assertTrue(dnn.output("MLPipeline UI metadata").orElseThrow().isUiMetadata());
        ComponentSpec cm = load("local_confusion_matrix_ui_metadata_metrics");
        assertTrue(cm.output("MLPipeline Metrics").orElseThrow().isMetrics());
        assertTrue(cm.output("MLPipeline UI metadata").orElseThrow().isUiMetadata());
        ComponentSpec tb = load("tensorboard_prepare_ui_metadata");
        assertTrue(tb.output("mlpipeline-ui-metadata").orElseThrow().isUiMetadata());
        assertEquals(List.of("log", "/relay/outputs/mlpipeline-ui-metadata/data", "null", ""),
                argv(tb, Map.of("Log dir URI", "log")).subList(4, 8));
        // the dnn trainer's Steps is required: no default, not optional
        assertFalse(dnn.input("Steps").orElseThrow().hasDefault());
        assertEquals("", dnn.input("Preprocessing module").orElseThrow().defaultValue());
    }

    @Test
    void whalesayAndAddFire() throws SpecException {
        assertEquals(List.of("cowsay", "a", "b"), argv(load("backendtest_whalesay"), Map.of("param1", "a", "param2", "b")));
        ComponentSpec add = load("sdktest_python_add_fire");
        List<String> argv = argv(add, Map.of("a", Values.toKfpString(1.0), "b", Values.toKfpString(2)));
        assertEquals(List.of("1.0", "2", "/relay/outputs/Output/data"), argv.subList(3, 6));
        assertEquals("float", add.input("a").orElseThrow().type());
    }

    /** The text of the {@code |} block scalar that follows the line {@code marker}, derived from the file. */
    static String blockLiteralAfter(String text, String marker) {
        List<String> lines = List.of(text.split("\n", -1));
        int i = lines.indexOf(marker) + 1;
        assertEquals("    - |", lines.get(i));
        List<String> body = new ArrayList<>();
        for (int j = i + 1; j < lines.size(); j++) {
            String l = lines.get(j);
            if (!l.isBlank() && !l.startsWith("      ")) {
                break;
            }
            body.add(l.length() >= 6 ? l.substring(6) : "");
        }
        while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
            body.remove(body.size() - 1);
        }
        return String.join("\n", body) + "\n";
    }
}
