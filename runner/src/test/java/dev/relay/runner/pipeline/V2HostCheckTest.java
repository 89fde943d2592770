package dev.relay.runner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V2HostCheckTest {
    @TempDir
    Path tmp;

    /** A one-executor IR; {@code executor} is the YAML of {@code exec-a} (indented 6), {@code extra} more documents. */
    static Pipeline ir(String executor, String extra) throws Exception {
        String text = """
                pipelineInfo: {name: p}
                root:
                  inputDefinitions:
                    parameters:
                      secret_name: {parameterType: STRING, isOptional: true}
                      pvc: {parameterType: STRING}
                  dag:
                    tasks:
                      a:
                        taskInfo: {name: a}
                        componentRef: {name: comp-a}
                components:
                  comp-a: {executorLabel: exec-a}
                deploymentSpec:
                  executors:
                    exec-a:
                """ + executor.indent(6) + extra;
        return IrReader.read(text, "p.yaml");
    }

    V2HostCheck check(Map<String, String> extraEnv, Set<String> path) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("HOME", tmp.toString(), "PIP_CONFIG_FILE", "/dev/null",
                "PIP_NO_INDEX", "1", "PIP_FIND_LINKS", tmp.resolve("wheels").toString()));
        env.putAll(extraEnv);
        return new V2HostCheck(env, path::contains, m -> m.equals("json"));
    }

    static String lightweight(String packages) throws Exception {
        List<String> command = List.of("sh", "-c", "python3 -m pip install --quiet 'kfp==2.15.2' " + packages
                + " && \"$0\" \"$@\"", "sh", "-ec", "python3 -m kfp.dsl.executor_main --component_module_path x");
        return "container:\n  image: python:3.11\n  command: " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(command) + "\n";
    }

    @Test
    void anShScriptWithDoubleBracketsNeedsAnShThatHasThem() throws Exception {
        // valid__pipeline_with_concat_placeholder: busybox's sh runs [[ ]], dash does not (exit 127)
        Pipeline p = ir("container: {image: busybox, command: [sh, -ec], args: ['echo \"$0\" > /tmp/t && [[ \"$0\" == x ]]', x]}\n", "");
        Map<String, String> env = new java.util.HashMap<>(Map.of("HOME", tmp.toString(), "PIP_CONFIG_FILE", "/dev/null"));
        assertEquals(List.of("executor exec-a (image busybox): its sh script uses [[ ]], which the image's sh may have (bash,"
                + " busybox) but this host's sh does not (a POSIX sh such as dash)"),
                new V2HostCheck(env, Set.of("sh", "echo")::contains, m -> false, () -> false).problems(p, Map.of()));
        assertEquals(List.of(), new V2HostCheck(env, Set.of("sh", "echo")::contains, m -> false, () -> true).problems(p, Map.of()));
        Pipeline bash = ir("container: {image: busybox, command: [bash, -c, '[[ a == a ]]']}\n", "");
        assertEquals(List.of(), new V2HostCheck(env, Set.of("bash")::contains, m -> false, () -> false).problems(bash, Map.of()));
    }

    @Test
    void hostToolsPass() throws Exception {
        Pipeline p = ir("container: {image: alpine, command: [sh, -c, 'mkdir -p /x && echo hi | tee y'], args: []}\n", "");
        assertEquals(List.of(), check(Map.of(), Set.of("sh", "mkdir", "tee")).problems(p, Map.of()));
    }

    @Test
    void imageOnlyToolsAreNamed() throws Exception {
        Pipeline p = ir("container: {image: jq-image, command: [sh, -c, 'jq . x | sort'], args: []}\n", "");
        assertEquals(List.of("executor exec-a (image jq-image): needs the program 'jq', which is in the image only (not on this host's PATH)"),
                check(Map.of(), Set.of("sh", "sort")).problems(p, Map.of()));
        Pipeline prog = ir("container: {image: i, command: [my_program, '{{$.inputs.parameters[''x'']}}']}\n", "");
        assertTrue(check(Map.of(), Set.of()).problems(prog, Map.of()).get(0).contains("'my_program'"));
        Pipeline module = ir("container: {image: i, command: [python3, -m, gcpc.launcher]}\n", "");
        assertTrue(check(Map.of(), Set.of("python3")).problems(module, Map.of()).get(0).contains("cannot import 'gcpc'"));
        Pipeline stdlib = ir("container: {image: i, command: [python3, -m, json.tool]}\n", "");
        assertEquals(List.of(), check(Map.of(), Set.of("python3")).problems(stdlib, Map.of()));
        Pipeline entry = ir("container: {image: i, args: [a]}\n", "");
        assertTrue(check(Map.of(), Set.of()).problems(entry, Map.of()).get(0).contains("no command"));
    }

    @Test
    void gcsToolsAreRefusedEvenWhenInstalled() throws Exception {
        Pipeline p = ir("container: {image: google/cloud-sdk, command: [sh, -c], args: ['gsutil cp a b']}\n", "");
        assertEquals(List.of("executor exec-a (image google/cloud-sdk): needs Google Cloud Storage: runs gsutil (a local host has no GCS access)"),
                check(Map.of(), Set.of("sh", "gsutil")).problems(p, Map.of()));
    }

    @Test
    void networkPackagesUnlessAWheelFolderHasThem() throws Exception {
        Pipeline p = ir(lightweight("'pandas==2.2.0' 'typing-extensions>=3.7.4,<5; python_version<\"3.9\"'"), "");
        List<String> why = check(Map.of(), Set.of()).problems(p, Map.of());
        assertEquals(1, why.size());
        assertTrue(why.get(0).contains("network package pandas==2.2.0 from PyPI"), why.get(0));
        Files.createDirectories(tmp.resolve("wheels"));
        Files.writeString(tmp.resolve("wheels/pandas-2.2.0-cp311-none-any.whl"), "");
        assertEquals(List.of(), check(Map.of(), Set.of()).problems(p, Map.of()));
        Pipeline other = ir(lightweight("'scikit_learn'"), "");
        assertEquals(1, check(Map.of(), Set.of()).problems(other, Map.of()).size());
        assertEquals(List.of(), check(Map.of("RELAY_ALLOW_NETWORK", "1"), Set.of()).problems(other, Map.of()));
        // a local file:// index that lists the project
        Files.createDirectories(tmp.resolve("index/scikit-learn"));
        assertEquals(List.of(), check(Map.of("PIP_NO_INDEX", "", "PIP_INDEX_URL", "file://" + tmp.resolve("index")), Set.of())
                .problems(other, Map.of()));
    }

    @Test
    void platformFeaturesNeedKubernetesButUnsetOptionalOnesAreSkipped() throws Exception {
        String platforms = """
                ---
                platforms:
                  kubernetes:
                    deploymentSpec:
                      executors:
                        exec-a:
                          secretAsEnv:
                          - secretNameParameter: {componentInputParameter: secret_name}
                            optional: true
                            keyToEnv: [{secretKey: k, envVar: K}]
                          nodeSelector: {labels: {gpu: 'yes'}}
                """;
        Pipeline p = ir("container: {image: i, command: [sh, -c, 'echo hi']}\n", platforms);
        assertEquals(List.of(), check(Map.of(), Set.of("sh")).problems(p, Map.of()));
        assertEquals(List.of("executor exec-a: platforms.kubernetes secretAsEnv (secret 'db') needs Kubernetes (a local process has none)"),
                check(Map.of(), Set.of("sh")).problems(p, Map.of("secret_name", "db")));
        Pipeline pvc = ir("container: {image: i, command: [sh, -c, 'echo hi']}\n", """
                ---
                platforms:
                  kubernetes:
                    pipelineConfig: {workspace: {size: 2Gi}}
                    deploymentSpec:
                      executors:
                        exec-a:
                          pvcMount: [{pvcNameParameter: {componentInputParameter: pvc}, mountPath: /data}]
                """);
        List<String> why = check(Map.of(), Set.of("sh")).problems(pvc, Map.of());
        assertEquals(2, why.size(), why.toString());
        assertTrue(why.get(0).contains("workspace") && why.get(0).contains("2Gi"), why.get(0));
        assertTrue(why.get(1).contains("pvcMount (PVC 'pipeline parameter 'pvc'' at /data)"), why.get(1));
    }
}
