package dev.relay.runner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.relay.runner.executor.KfpSdk;
import dev.relay.runner.spec.ComponentLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The KFP SDK's own compiled test pipelines ({@code ../shared/cases/v2_kfp_sdk}, INDEX.md §6a):
 * every stored file validates, and the host check agrees with INDEX.md's "runs on a host" column
 * (refusals name the missing thing); every Python source recompiles with the real SDK 2.15.2 into
 * {@code target/} (except those that import an SDK extension that is not installed, or fetch their
 * components over the network), and the recompiled IR reads and checks the same.
 */
class V2CorpusTest {
    /** Where Relay's verdict differs from INDEX.md's column on purpose. */
    static final Map<String, String> DIVERGES = Map.of(
            "critical__missing_kubernetes_optional_inputs.yaml",
            "runs: every platform entry is optional and its parameter unset, so nothing needs Kubernetes (KFP's driver skips them too)");

    /** The missing thing each refusal must name. */
    static final Map<String, List<String>> NAMES = new TreeMap<>(Map.ofEntries(
            Map.entry("valid__components_with_optional_artifacts.yaml", List.of("gs://ml-pipeline-playground/shakespeare1.txt")),
            Map.entry("valid__container_io.yaml", List.of("my_program")),
            Map.entry("valid__container_with_artifact_output.yaml", List.of("run.sh")),
            Map.entry("valid__container_with_concat_placeholder.yaml", List.of("my_program")),
            Map.entry("valid__container_with_if_placeholder.yaml", List.of("my_program")),
            Map.entry("valid__container_with_placeholder_in_fstring.yaml", List.of("my_program")),
            Map.entry("valid__containerized_python_component.yaml", List.of("containerized Python component", "kfp-image")),
            Map.entry("valid__create_pod_metadata_complex.yaml", List.of("fieldPathAsEnv")),
            Map.entry("valid__metrics_visualization_v2.yaml", List.of("scikit-learn")),
            Map.entry("valid__pipeline_with_condition_dynamic_task_output_custom_training_job.yaml", List.of("google_cloud_pipeline_components")),
            Map.entry("valid__pipeline_with_concat_placeholder.yaml", List.of("[[ ]]", "dash")),
            Map.entry("valid__pipeline_with_google_artifact_type.yaml", List.of("aiplatform", "gs://")),
            Map.entry("valid__pipeline_with_importer_and_gcpc_types.yaml", List.of("'cmd'", "gs://")),
            Map.entry("valid__pipeline_with_secret_as_volume.yaml", List.of("secretAsVolume")),
            Map.entry("valid__pipeline_with_various_io_types.yaml", List.of("no command")),
            Map.entry("valid__pipeline_with_volume.yaml", List.of("pvcMount", "no command")),
            Map.entry("valid__pipeline_with_volume_no_cache.yaml", List.of("pvcMount")),
            Map.entry("valid__pvc_mount.yaml", List.of("pvcMount")),
            Map.entry("valid__pythonic_artifact_with_single_return.yaml", List.of("dill", "gs://")),
            Map.entry("valid__sequential_v2.yaml", List.of("gsutil")),
            Map.entry("valid__two_step_pipeline.yaml", List.of("gsutil")),
            Map.entry("valid__xgboost_sample_pipeline.yaml", List.of("network")),
            Map.entry("critical__notebook_component_mixed.yaml", List.of("nbclient")),
            Map.entry("critical__notebook_component_simple.yaml", List.of("nbclient")),
            Map.entry("critical__parameters_simple.yaml", List.of("'jq'")),
            Map.entry("critical__pipeline_with_artifact_upload_download.yaml", List.of("datasets")),
            Map.entry("critical__pipeline_with_importer_workspace.yaml", List.of("workspace")),
            Map.entry("critical__pipeline_with_pod_metadata.yaml", List.of("fieldPathAsEnv")),
            Map.entry("critical__pipeline_with_secret_as_env.yaml", List.of("secretAsEnv", "test-secret-1")),
            Map.entry("critical__pipeline_with_submit_request.yaml", List.of("requests.get(")),
            Map.entry("critical__pipeline_with_workspace.yaml", List.of("workspace")),
            Map.entry("essential__component_with_pip_index_urls.yaml", List.of("yapf")),
            Map.entry("essential__component_with_pip_install.yaml", List.of("yapf")),
            Map.entry("essential__component_with_pip_install_in_venv.yaml", List.of("yapf")),
            Map.entry("essential__iris_pipeline.yaml", List.of("pandas==2.2.0", "scikit-learn==1.4.0"))));

    /** A row of INDEX.md §6a. */
    record Row(String yaml, String source, String recompiles, String runs) {}

    static Path corpus() {
        Path s = KfpSdk.shared();
        assumeTrue(s != null && Files.isDirectory(s.resolve("cases/v2_kfp_sdk")),
                "skipped: ../shared/cases/v2_kfp_sdk is absent (the KFP SDK's compiled test pipelines)");
        return s.resolve("cases/v2_kfp_sdk");
    }

    /** @return INDEX.md §6a rows keyed by the YAML's path relative to the corpus */
    static Map<String, Row> index(Path corpus) throws IOException {
        String text = Files.readString(corpus.resolve("../INDEX.md"));
        String section = text.substring(text.indexOf("### 6a."), text.indexOf("### 6b."));
        Map<String, Row> out = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("^\\| `([^`]+)\\.py` \\+ `(?:\\.yaml|([^`]+\\.yaml))` \\|.*\\| ([^|]*) \\| ([^|]*) \\|$");
        for (String line : section.split("\n")) {
            Matcher m = pair.matcher(line);
            if (m.matches()) {
                String src = m.group(1) + ".py";
                String yaml = m.group(2) != null ? m.group(2) : m.group(1) + ".yaml";
                out.put(yaml, new Row(yaml, src, m.group(3).strip(), m.group(4).strip()));
            }
        }
        return out;
    }

    /** The host check with a controlled pip configuration: the shared wheels only, no index, no pip.conf. */
    static V2HostCheck hostCheck(Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("PIP_CONFIG_FILE", "/dev/null");
        env.put("PIP_NO_INDEX", "1");
        env.put("PIP_FIND_LINKS", KfpSdk.shared().resolve("kfp-sdk/wheels").toString());
        return V2HostCheck.of(env);
    }

    static boolean shKnowsBrackets() {
        try {
            return new ProcessBuilder("sh", "-c", "[[ a == a ]]").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
    }

    /** @return whether INDEX.md (with the documented divergences and host facts) expects a run */
    static boolean expectedToRun(Row row) {
        if (DIVERGES.containsKey(row.yaml())) {
            return true;
        }
        if (row.yaml().equals("valid__pipeline_with_concat_placeholder.yaml")) {
            // INDEX: PARTLY, its sh -ec script uses [[ ]]: runs where the host's sh has it (bash, busybox), not under dash
            return shKnowsBrackets();
        }
        if (row.yaml().equals("critical__parameters_simple.yaml")) {
            return onPath("jq");
        }
        if (row.yaml().equals("essential__pipeline_with_nested_conditions_yaml.yaml")) {
            return onPath("python");
        }
        return row.runs().startsWith("YES") || row.runs().startsWith("PARTLY");
    }

    @Test
    void everyStoredFileValidatesOrIsRefusedWithAReason() throws Exception {
        Path corpus = corpus();
        Map<String, Row> rows = index(corpus);
        assertTrue(rows.size() >= 100, "INDEX.md §6a lists the corpus: " + rows.size());
        V2HostCheck check = hostCheck(Files.createTempDirectory("home"));
        List<String> runs = new ArrayList<>();
        Map<String, List<String>> refused = new TreeMap<>();
        List<String> v1Components = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.list(corpus), Files.list(corpus.resolve("seed")))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            String name = corpus.relativize(f).toString();
            if (name.endsWith(".component.yaml")) {
                // the XGBoost sample's KFP v1 components (loaded by URL by its source): v1 component.yaml files
                ComponentLoader.load(f);
                v1Components.add(name);
                continue;
            }
            Pipeline p = IrReader.read(Files.readString(f), name);
            List<String> why = check.problems(p, Map.of());
            Row row = rows.get(name);
            if (row == null) {
                problems.add(name + ": not in INDEX.md");
                continue;
            }
            boolean expected = expectedToRun(row);
            if (why.isEmpty()) {
                runs.add(name);
            } else {
                refused.put(name, why);
            }
            if (expected != why.isEmpty()) {
                problems.add(name + ": INDEX says '" + row.runs() + "' but the host check says " + (why.isEmpty() ? "it runs" : why));
            }
            for (String w : why) {
                if (!(w.startsWith("executor exec-") || w.startsWith("platforms.kubernetes"))) {
                    problems.add(name + ": a reason that names no executor or platform field: " + w);
                }
            }
            for (String thing : NAMES.getOrDefault(name, List.of())) {
                if (!why.isEmpty() && why.stream().noneMatch(w -> w.contains(thing))) {
                    problems.add(name + ": no reason names '" + thing + "': " + why);
                }
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(6, v1Components.size(), "the XGBoost sample's v1 components: " + v1Components);
        StringBuilder summary = new StringBuilder("v2_kfp_sdk pipelines (stored IR): " + (runs.size() + refused.size())
                + "; host check passes (runnable here): " + runs.size() + "; refused before launch with a reason: "
                + refused.size() + "; plus " + v1Components.size() + " KFP v1 component files that validate\n");
        refused.forEach((k, v) -> summary.append("refused ").append(k).append(": ").append(v.get(0))
                .append(v.size() > 1 ? " (+" + (v.size() - 1) + " more)" : "").append('\n'));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "v2-corpus-summary.txt"), summary);
        System.out.print(summary);
        assertTrue(runs.size() >= 70, "most of the corpus runs on a host: " + runs.size());
        assertFalse(refused.isEmpty());
    }

    /** {@code sdk.python.test.test_utils.file_utils} as KFP's test helper lays it out, over the corpus. */
    static Path sourceTree(Path corpus, Path root) throws IOException {
        Path valid = root.resolve("test_data/sdk_compiled_pipelines/valid");
        Files.createDirectories(valid);
        try (Stream<Path> s = Files.list(corpus)) {
            for (Path f : s.toList()) {
                String n = f.getFileName().toString();
                int cut = n.indexOf("__");
                if (cut < 0) {
                    continue;
                }
                String sub = n.substring(0, cut);
                String rest = n.substring(cut + 2).replace("__", "/");
                Path target = sub.equals("valid") ? valid.resolve(rest) : valid.resolve(sub).resolve(rest);
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, f.toAbsolutePath());
            }
        }
        Path utils = root.resolve("sdk/python/test/test_utils");
        Files.createDirectories(utils);
        for (Path d = utils; !d.equals(root); d = d.getParent()) {
            Files.writeString(d.resolve("__init__.py"), "");
        }
        Files.writeString(utils.resolve("file_utils.py"), """
                # Relay's stand-in for KFP's sdk/python/test/test_utils/file_utils.py: the test data folders only.
                import os
                class FileUtils:
                    PROJECT_ROOT = %s
                    TEST_DATA = os.path.join(PROJECT_ROOT, 'test_data')
                    VALID_PIPELINE_FILES = os.path.join(TEST_DATA, 'sdk_compiled_pipelines', 'valid')
                """.formatted("'" + root.toAbsolutePath() + "'"));
        return valid;
    }

    /** The path in {@link #sourceTree} of a corpus file name. */
    static Path inTree(Path valid, String name) {
        int cut = name.indexOf("__");
        String sub = name.substring(0, cut);
        String rest = name.substring(cut + 2).replace("__", "/");
        return sub.equals("valid") ? valid.resolve(rest) : valid.resolve(sub).resolve(rest);
    }

    @Test
    void everySourceRecompilesWithTheRealSdk() throws Exception {
        Path corpus = corpus();
        Path venv = KfpSdk.venv();
        Map<String, Row> rows = index(corpus);
        Path root = Path.of("target", "v2-corpus-src").toAbsolutePath();
        Path valid = sourceTree(corpus, root);
        Path out = Path.of("target", "v2-corpus-compiled").toAbsolutePath();
        List<PythonPipeline.Job> jobs = new ArrayList<>();
        Map<Path, Row> rowOf = new LinkedHashMap<>();
        for (Row r : rows.values()) {
            Path src = r.source().startsWith("seed/") ? corpus.resolve(r.source()) : inTree(valid, r.source());
            Path yaml = out.resolve(r.yaml().replace('/', '_'));
            // artifact_crust names its pipeline after its own file name, which differs here
            String name = r.source().equals("critical__artifact_crust.py") ? "crust"
                    : IrReader.read(Files.readString(corpus.resolve(r.yaml())), r.yaml()).model().name();
            jobs.add(new PythonPipeline.Job(src, yaml, name));
            rowOf.put(yaml, r);
        }
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.put("RELAY_PYTHON", venv.resolve("bin/python").toString());
        env.put("PYTHONPATH", root.toString());
        List<PythonPipeline.Result> results = PythonPipeline.compileAll(jobs, env);
        V2HostCheck check = hostCheck(Files.createTempDirectory("home"));
        List<String> problems = new ArrayList<>();
        int compiled = 0;
        List<String> notCompiled = new ArrayList<>();
        for (PythonPipeline.Result res : results) {
            Row r = rowOf.get(res.output());
            boolean needsExtension = r.recompiles().contains("no: needs");
            boolean network = r.yaml().startsWith("valid__xgboost_sample_pipeline");
            if (!res.ok()) {
                notCompiled.add(r.source() + ": " + res.error());
                if (needsExtension && (res.error().contains("kubernetes") || res.error().contains("google_cloud_pipeline_components"))) {
                    continue;
                }
                if (network) {
                    continue; // it loads its components from raw.githubusercontent.com
                }
                problems.add(r.source() + ": " + res.error());
                continue;
            }
            if (needsExtension) {
                problems.add(r.source() + ": compiled although INDEX says '" + r.recompiles() + "'");
            }
            compiled++;
            Pipeline again = IrReader.read(Files.readString(res.output()), res.output().toString());
            Pipeline stored = IrReader.read(Files.readString(corpus.resolve(r.yaml())), r.yaml());
            if (!r.source().equals("critical__artifact_crust.py")) { // it names its pipeline after its file name
                assertEquals(stored.model().name(), again.model().name(), r.source());
            }
            boolean runsAgain = check.problems(again, Map.of()).isEmpty();
            boolean runsStored = check.problems(stored, Map.of()).isEmpty();
            if (runsAgain != runsStored) {
                problems.add(r.source() + ": the recompiled IR checks " + (runsAgain ? "runnable" : "refused")
                        + ", the stored one not: " + check.problems(again, Map.of()));
            }
        }
        System.out.println("recompiled with the real SDK 2.15.2: " + compiled + " of " + results.size()
                + "; not compiled: " + notCompiled);
        assertEquals(List.of(), problems);
        assertTrue(compiled >= 90, "recompiled: " + compiled);
    }
}
