package dev.relay.runner.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.relay.runner.contract.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor contract on hand-written IR: every placeholder, every type, outputs read back. */
class V2ExecutorTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static final String COMPONENT = """
            executorLabel: exec-train
            inputDefinitions:
              parameters:
                count: {parameterType: NUMBER_INTEGER}
                rate: {parameterType: NUMBER_DOUBLE, defaultValue: 0.5}
                flag: {parameterType: BOOLEAN, defaultValue: false}
                tags: {parameterType: LIST, isOptional: true}
                conf: {parameterType: STRUCT, defaultValue: {a: 1}}
                name: {parameterType: STRING, isOptional: true}
              artifacts:
                data:
                  artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}
            outputDefinitions:
              parameters:
                acc: {parameterType: NUMBER_DOUBLE}
                label: {parameterType: STRING}
              artifacts:
                model:
                  artifactType: {schemaTitle: system.Model, schemaVersion: 0.0.1}
                metrics:
                  artifactType: {schemaTitle: system.Metrics, schemaVersion: 0.0.1}
            """;

    static final String EXECUTOR = """
            container:
              image: python:3.11
              command: [train]
              args:
              - --count={{$.inputs.parameters['count']}}
              - '{{$.inputs.parameters[''rate'']}}'
              - '{{$.inputs.parameters[''flag'']}}'
              - '{{$.inputs.parameters[''conf'']}}'
              - '{"IfPresent": {"InputName": "tags", "Then": ["--tags", "{{$.inputs.parameters[''tags'']}}"]}}'
              - '{"IfPresent": {"InputName": "name", "Then": ["--name"], "Else": {"Concat": ["--anon-", "{{$.pipeline_task_name}}"]}}}'
              - '{"Concat": ["--data=", "{{$.inputs.artifacts[''data''].path}}", ",", "{{$.inputs.artifacts[''data''].uri}}"]}'
              - '{{$.inputs.artifacts[''data''].metadata}}'
              - '{{$.outputs.artifacts[''model''].path}}'
              - '{{$.outputs.artifacts[''model''].uri}}'
              - '{{$.outputs.parameters[''acc''].output_file}}'
              - '{{$.pipeline_job_name}}|{{$.pipeline_job_uuid}}|{{$.pipeline_task_uuid}}|{{$.pipeline_root}}'
              - '{{$}}'
              env:
              - {name: COUNT, value: "{{$.inputs.parameters['count']}}"}
            """;

    static JsonNode yaml(String s) throws Exception {
        return YAML.readTree(s);
    }

    static ExecutorTask task(Map<String, JsonNode> params, Map<String, List<InputArtifact>> arts) throws Exception {
        return new ExecutorTask(new TaskIdentity("r-1", "demo", "train", "train", 1), null,
                ComponentIo.parse("components.comp-train", yaml(COMPONENT)),
                ExecutorSpec.parse("exec-train", yaml(EXECUTOR)), PlatformSpec.NONE, params, arts);
    }

    static Map<String, List<InputArtifact>> data() {
        ObjectNode md = Json.MAPPER.createObjectNode().put("rows", 3);
        return Map.of("data", List.of(new InputArtifact("numbers", "s3://mlpipeline/runs/r-1/tasks/gen/outputs/numbers",
                new ArtifactType("system.Dataset", "0.0.1"), md)));
    }

    @Test
    void localPlaceholdersResolveInsideTheWorkDir(@TempDir Path work) throws Exception {
        PreparedExecution p = V2Executor.prepare(task(Map.of("count", LongNode.valueOf(10)), data()),
                new ExecutorLayout.Local("mlpipeline", work));
        List<String> a = p.argv();
        assertEquals("train", a.get(0));
        assertEquals("--count=10", a.get(1));
        assertEquals("0.5", a.get(2));
        assertEquals("false", a.get(3));
        assertEquals("{\"a\":1}", a.get(4));
        // tags absent: the IfPresent drops both elements; name absent: the Else Concat
        assertEquals("--anon-train", a.get(5));
        String dataPath = work.resolve("inputs/0-data/0/numbers").toString();
        assertEquals("--data=" + dataPath + "," + dataPath, a.get(6));
        assertEquals("{\"rows\":3}", a.get(7));
        String modelPath = work.resolve("outputs/0-model/model").toString();
        assertEquals(modelPath, a.get(8));
        assertEquals(modelPath, a.get(9));
        assertEquals(work.resolve("parameters/acc").toString(), a.get(10));
        assertEquals("demo-r-1|r-1|r-1/train/1|s3://mlpipeline/runs/r-1", a.get(11));
        JsonNode in = Json.MAPPER.readTree(a.get(12));
        assertEquals(p.executorInput().toString(), in.toString());
        assertEquals(13, a.size());
        assertEquals("10", p.env().get("COUNT"));
        // nothing outside the work dir
        assertTrue(p.executorOutputFile().startsWith(work.toString()));
        assertEquals(List.of(new PreparedExecution.Download("data", "s3://mlpipeline/runs/r-1/tasks/gen/outputs/numbers", dataPath)), p.downloads());
        assertEquals("runs/r-1/tasks/train/outputs/model", p.outputArtifacts().get("model").storeKey());

        // executor input as KFP's launcher writes it
        assertEquals(10, in.at("/inputs/parameterValues/count").asInt());
        assertTrue(in.at("/inputs/parameterValues/count").isIntegralNumber());
        assertEquals(0.5, in.at("/inputs/parameterValues/rate").asDouble());
        assertFalse(in.at("/inputs/parameterValues").has("tags"));
        JsonNode art = in.at("/inputs/artifacts/data/artifacts/0");
        assertEquals("numbers", art.get("name").asText());
        assertEquals("system.Dataset", art.at("/type/schemaTitle").asText());
        assertEquals(dataPath, art.get("uri").asText());
        assertEquals(3, art.at("/metadata/rows").asInt());
        assertEquals(work.resolve("parameters/label").toString(), in.at("/outputs/parameters/label/outputFile").asText());
        assertEquals("system.Metrics", in.at("/outputs/artifacts/metrics/artifacts/0/type/schemaTitle").asText());
        assertEquals(work.resolve("executor_output.json").toString(), in.at("/outputs/outputFile").asText());
    }

    @Test
    void podUsesStoreUrisAndKfpMountPaths() throws Exception {
        Map<String, JsonNode> params = new LinkedHashMap<>();
        params.put("count", TextNode.valueOf("4"));
        params.put("tags", Json.MAPPER.readTree("[\"x\",1]"));
        params.put("name", TextNode.valueOf("n"));
        PreparedExecution p = V2Executor.prepare(task(params, data()), new ExecutorLayout.Pod("mlpipeline"));
        List<String> a = p.argv();
        assertEquals("--count=4", a.get(1));
        assertEquals(List.of("--tags", "[\"x\",1]", "--name"), a.subList(5, 8));
        assertEquals("--data=/s3/mlpipeline/runs/r-1/tasks/gen/outputs/numbers,s3://mlpipeline/runs/r-1/tasks/gen/outputs/numbers", a.get(8));
        assertEquals("/s3/mlpipeline/runs/r-1/tasks/train/outputs/model", a.get(10));
        assertEquals("s3://mlpipeline/runs/r-1/tasks/train/outputs/model", a.get(11));
        assertEquals("/tmp/kfp/outputs/acc", a.get(12));
        assertEquals("/s3/mlpipeline/runs/r-1/tasks/train/output_metadata.json", p.executorOutputFile());
    }

    @Test
    void badOrMissingValuesFailBeforeLaunchNamingTheParameter(@TempDir Path work) throws Exception {
        ExecutorLayout l = new ExecutorLayout.Local("mlpipeline", work);
        ExecutorException e = assertThrows(ExecutorException.class,
                () -> V2Executor.prepare(task(Map.of("count", TextNode.valueOf("abc")), data()), l));
        assertEquals("LaunchFailed", e.reason());
        assertEquals("input parameter 'count' of task 'train': 'abc' is not an integer", e.getMessage());
        e = assertThrows(ExecutorException.class, () -> V2Executor.prepare(task(Map.of(), data()), l));
        assertEquals("input parameter 'count' of task 'train' has no value and no default", e.getMessage());
        e = assertThrows(ExecutorException.class, () -> V2Executor.prepare(task(Map.of("count", LongNode.valueOf(1)), Map.of()), l));
        assertEquals("input artifact 'data' of task 'train' has no artifact", e.getMessage());
    }

    @Test
    void unknownPlaceholderIsAClearError(@TempDir Path work) throws Exception {
        ExecutorTask t = new ExecutorTask(new TaskIdentity("r-1", "demo", "t", "t", 1), null,
                ComponentIo.parse("c", yaml("executorLabel: exec-t")),
                ExecutorSpec.parse("exec-t", yaml("container: {image: x, command: [echo, \"{{$.inputs.parameters['nope']}}\"]}")),
                PlatformSpec.NONE, Map.of(), Map.of());
        ExecutorException e = assertThrows(ExecutorException.class, () -> V2Executor.prepare(t, new ExecutorLayout.Local("b", work)));
        assertEquals("command[1]: {{$.inputs.parameters['nope']}} names input parameter 'nope', which has no value", e.getMessage());
    }

    @Test
    void theWorkspacePathIsRefusedByName(@TempDir Path work) throws Exception {
        // critical__pipeline_with_workspace: dsl.WORKSPACE_PATH_PLACEHOLDER given as a constant
        ExecutorTask t = new ExecutorTask(new TaskIdentity("r-1", "demo", "t", "t", 1), null,
                ComponentIo.parse("c", yaml("{executorLabel: exec-t, inputDefinitions: {parameters: {workspace_path: {parameterType: STRING}}}}")),
                ExecutorSpec.parse("exec-t", yaml("container: {image: x, command: [echo, \"{{$.inputs.parameters['workspace_path']}}\"]}")),
                PlatformSpec.NONE, Map.of("workspace_path", TextNode.valueOf("{{$.workspace_path}}")), Map.of());
        ExecutorException e = assertThrows(ExecutorException.class, () -> V2Executor.prepare(t, new ExecutorLayout.Local("b", work)));
        assertTrue(e.getMessage().contains("{{$.workspace_path}} is the KFP pipeline workspace (platforms.kubernetes.pipelineConfig"
                + ".workspace, a PVC the run's tasks share), which Relay does not provide"), e.getMessage());
    }

    @Test
    void runtimeConstantsAndFStringsResolveInValues(@TempDir Path work) throws Exception {
        ExecutorTask t = new ExecutorTask(new TaskIdentity("r-9", "demo", "t", "print", 1), null,
                ComponentIo.parse("c", yaml("""
                        executorLabel: exec-t
                        inputDefinitions:
                          parameters:
                            msg: {parameterType: STRING}
                            job: {parameterType: STRING}
                        """)),
                ExecutorSpec.parse("exec-t", yaml("container: {image: x, command: [echo, \"{{$.inputs.parameters['msg']}}\", \"{{$.inputs.parameters['job']}}\"]}")),
                PlatformSpec.NONE,
                Map.of("msg", TextNode.valueOf("hi {{$.inputs.parameters['pipelinechannel--who']}}!"),
                        "pipelinechannel--who", TextNode.valueOf("you"),
                        "job", TextNode.valueOf("{{$.pipeline_job_name}}")),
                Map.of());
        PreparedExecution p = V2Executor.prepare(t, new ExecutorLayout.Local("b", work));
        assertEquals(List.of("echo", "hi you!", "demo-r-9"), p.argv());
        assertEquals("hi you!", p.executorInput().at("/inputs/parameterValues/msg").asText());
    }

    @Test
    void collectReadsParameterFilesThenExecutorOutput(@TempDir Path work) throws Exception {
        PreparedExecution p = V2Executor.prepare(task(Map.of("count", LongNode.valueOf(1)), data()),
                new ExecutorLayout.Local("mlpipeline", work));
        ExecutorException missing = assertThrows(ExecutorException.class, () -> V2Executor.collect(p));
        assertEquals("OutputMissing", missing.reason());
        Files.createDirectories(Path.of(p.outputParameters().get("acc")).getParent());
        Files.writeString(Path.of(p.outputParameters().get("acc")), "0.75");
        Files.writeString(Path.of(p.outputParameters().get("label")), "from-file");
        Path model = Path.of(p.outputArtifacts().get("model").path());
        Files.createDirectories(model.getParent());
        Files.writeString(model, "weights");
        Files.writeString(Path.of(p.executorOutputFile()), """
                {"parameterValues": {"label": "from-executor-output"},
                 "artifacts": {"metrics": {"artifacts": [{"name": "metrics", "metadata": {"accuracy": 0.9}}]}}}
                """);
        ExecutorResult r = V2Executor.collect(p);
        assertEquals(0.75, r.parameters().get("acc").asDouble());
        assertEquals("from-executor-output", r.parameters().get("label").asText());
        assertEquals(model.toString(), r.artifacts().get("model").path());
        assertNull(r.artifacts().get("metrics").path());
        assertEquals(0.9, r.artifacts().get("metrics").metadata().get("accuracy").asDouble());
        assertEquals("system.Metrics", r.artifacts().get("metrics").type().schemaTitle());

        Files.writeString(Path.of(p.outputParameters().get("acc")), "high");
        Files.delete(Path.of(p.executorOutputFile()));
        ExecutorException bad = assertThrows(ExecutorException.class, () -> V2Executor.collect(p));
        assertEquals("output parameter 'acc': 'high' is not a number", bad.getMessage());
    }

    @Test
    void anArtifactReturnedWithItsOwnUriIsCollectedFromTheTaskRootOnly(@TempDir Path work) throws Exception {
        // `return Artifact(uri=dsl.get_uri(), ...)`: the SDK's task root is the output file's directory
        PreparedExecution p = V2Executor.prepare(task(Map.of("count", LongNode.valueOf(1)), data()),
                new ExecutorLayout.Local("mlpipeline", work));
        Files.createDirectories(Path.of(p.outputParameters().get("acc")).getParent());
        Files.writeString(Path.of(p.outputParameters().get("acc")), "1");
        Files.writeString(Path.of(p.outputParameters().get("label")), "x");
        Path root = Path.of(p.executorOutputFile()).getParent();
        Files.createDirectories(root);
        Path own = root.resolve("Output");
        Files.writeString(own, "Hello");
        Files.writeString(Path.of(p.executorOutputFile()), "{\"artifacts\": {\"model\": {\"artifacts\": [{\"name\": \"model\", \"uri\": \""
                + own + "\", \"metadata\": {\"length\": 5}}]}, \"metrics\": {\"artifacts\": [{\"name\": \"metrics\", \"uri\": \"/etc/hostname\"}]}}}");
        ExecutorResult r = V2Executor.collect(p);
        assertEquals(own.toString(), r.artifacts().get("model").path(), "published from where the program wrote it");
        assertTrue(r.artifacts().get("model").storeKey().endsWith("/outputs/model"), "stored in the run's layout");
        assertEquals(5, r.artifacts().get("model").metadata().get("length").asInt());
        assertNull(r.artifacts().get("metrics").path(), "a file outside the task root is never published");
        assertNull(V2Executor.returnedPath("gs://b/k/Output", p.executorOutputFile()), "gs://b/k is /gcs/b/k: outside the task root");
        // Output[Dataset].set_path('/tmp/out_dataset'): executor_output.json names it as custom_path
        Path custom = work.resolve("elsewhere/out_dataset");
        Files.createDirectories(custom.getParent());
        Files.writeString(custom, "Hello, World!");
        Files.writeString(Path.of(p.executorOutputFile()), "{\"artifacts\": {\"model\": {\"artifacts\": [{\"name\": \"model\", \"uri\": \"x\","
                + " \"custom_path\": \"" + custom + "\", \"metadata\": {}}]}}}");
        assertEquals(custom.toString(), V2Executor.collect(p).artifacts().get("model").path());
    }

    @Test
    void unsupportedExecutorNamesItsKind() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExecutorSpec.parse("exec-x", yaml("resolver: {outputArtifactQueries: {}}")));
        assertEquals("deploymentSpec.executors.exec-x: a 'resolver' executor is not supported (expected 'container' or 'importer')", e.getMessage());
    }
}
