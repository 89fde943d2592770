package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public component that runs on a host ({@code ../shared/cases/INDEX.md} §1, "runs on a
 * host: YES") run as a one-task pipeline with sample arguments: its declared outputs hold the
 * right content.
 */
class PublicComponentRunTest {
    @TempDir static Path state;
    static Path cases;

    @BeforeAll
    static void shared() {
        cases = Path.of(System.getProperty("relay.shared.dir", "../../shared")).resolve("cases/v1_components");
        assumeTrue(Files.isDirectory(cases), "skipped: the shared KFP corpus is absent (" + cases + "); "
                + "the project's own fixtures cover running components");
    }

    /** Runs {@code file} with {@code params}; returns output name → content of the one task. */
    private static Map<String, String> run(String file, int expectedExit, String... params) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", cases.resolve(file).toString(), "--json", "--state-dir", state.toString()));
        for (String p : params) {
            args.add("-p");
            args.add(p);
        }
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(expectedExit, r.exit(), file + "\n" + r.err());
        JsonNode task = Json.MAPPER.readTree(r.out()).get("tasks").get(0);
        Map<String, String> out = new LinkedHashMap<>();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            task.get("outputs").fields().forEachRemaining(e -> {
                String key = e.getValue().asText().substring("s3://mlpipeline/".length());
                out.put(e.getKey(), new String(rt.store().get(key).orElseThrow(), StandardCharsets.UTF_8));
            });
            if (expectedExit != 0) {
                String runId = Json.MAPPER.readTree(r.out()).get("runId").asText();
                out.put("log", new String(rt.store().get(RunLayout.attemptLog(runId, task.get("name").asText(), 1)).orElseThrow(),
                        StandardCharsets.UTF_8));
                out.put("exitCode", task.get("exitCode").asText());
            }
        }
        return out;
    }

    @Test
    void processorCopiesValueAndArtifact() throws Exception {
        assertEquals(Map.of("Output 1", "hello world\n", "Output 2", "artifact text"),
                run("compilertest_processor_process_2_2.component.yaml", 0, "Input parameter=hello world", "Input artifact=artifact text"));
    }

    @Test
    void producerWritesTwoOutputs() throws Exception {
        assertEquals(Map.of("Output 1", "Data 1\n", "Output 2", "Data 2\n"),
                run("compilertest_producer_produce_2.component.yaml", 0));
    }

    @Test
    void getFileReadsADirectoryInput() throws Exception {
        Path dir = Files.createTempDirectory("relay-dir");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/file.txt"), "inside the directory\n");
        Files.writeString(dir.resolve("other.txt"), "not this one\n");
        assertEquals(Map.of("File", "inside the directory\n"),
                run("filesystem_get_file.component.yaml", 0, "Directory=@" + dir, "Subpath=sub/file.txt"));
    }

    @Test
    void grepFiltersWithDefaultAndGivenPattern() throws Exception {
        assertEquals(Map.of("Filtered text", "apple\navocado\n"),
                run("sample_shell_script_grep.component.yaml", 0, "Text=apple\nbanana\navocado\n", "Pattern=^a"));
        assertEquals(Map.of("Filtered text", "x\ny\n"),
                run("sample_shell_script_grep.component.yaml", 0, "Text=x\ny\n"));
    }

    @Test
    void removeHeaderKeepsSameNamedInputAndOutputApart() throws Exception {
        assertEquals(Map.of("table", "1,2\n3,4\n"),
                run("tables_remove_header.component.yaml", 0, "table=h1,h2\n1,2\n3,4\n"));
    }

    @Test
    void buildDictWithSomeOptionalInputsAbsent() throws Exception {
        Map<String, String> out = run("json_build_dict_python_c.component.yaml", 0,
                "key_1=a", "value_1={\"x\": [1, 2]}", "key_3=c", "value_3=\"text\"");
        assertEquals(Json.MAPPER.readTree("{\"a\": {\"x\": [1, 2]}, \"c\": \"text\"}"), Json.MAPPER.readTree(out.get("Output")));
    }

    @Test
    void splitRowsFromAnUploadedFile() throws Exception {
        Path csv = Files.createTempFile("relay-table", ".csv");
        StringBuilder sb = new StringBuilder("id,value\n");
        for (int i = 0; i < 10; i++) {
            sb.append(i).append(',').append(i * i).append('\n');
        }
        Files.writeString(csv, sb);
        Map<String, String> out = run("arkkun_split_rows_into_subsets_csv_program_path.component.yaml", 0,
                "table=@" + csv, "fraction_1=0.5", "fraction_2=0.5", "random_seed=7");
        assertEquals("5", out.get("split_1_count"));
        assertEquals("5", out.get("split_2_count"));
        assertEquals("0", out.get("split_3_count"));
        assertEquals("id,value\n", out.get("split_3"));
        List<String> rows = new ArrayList<>(out.get("split_1").lines().skip(1).toList());
        rows.addAll(out.get("split_2").lines().skip(1).toList());
        rows.sort(null);
        List<String> expected = new ArrayList<>(sb.toString().lines().skip(1).toList());
        expected.sort(null);
        assertEquals(expected, rows);
    }

    /** The folded script is one {@code mkdir} command: it fails, and the failure is the script's own. */
    @Test
    void busyboxRunsExactlyAsYamlFoldsIt() throws Exception {
        Map<String, String> out = run("sdktest_2_inputs_2_outputs_busybox.component.yaml", 1,
                "Input parameter=p", "Input artifact=a");
        assertEquals("1", out.get("exitCode"));
        assertTrue(out.get("log").contains("mkdir"), out.get("log"));
    }
}
