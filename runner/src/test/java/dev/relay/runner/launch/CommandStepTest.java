package dev.relay.runner.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.executor.ArtifactType;
import dev.relay.runner.executor.ComponentIo;
import dev.relay.runner.executor.ExecutorLayout;
import dev.relay.runner.executor.ExecutorSpec;
import dev.relay.runner.executor.ExecutorTask;
import dev.relay.runner.executor.InputArtifact;
import dev.relay.runner.executor.PlatformSpec;
import dev.relay.runner.executor.PreparedExecution;
import dev.relay.runner.executor.TaskIdentity;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.store.InMemoryArtifactStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared task → command step on its own: what it gives a launcher for a KFP v1 component and a
 * KFP v2 executor, and that a local work dir and a pod's shared dir get the same command but for
 * the directory.
 */
class CommandStepTest {
    @TempDir Path tmp;

    static final String V1 = """
            name: Every placeholder
            inputs:
            - {name: Greeting, type: String}
            - {name: data}
            - {name: conf}
            - {name: src}
            - {name: note, default: nothing}
            outputs:
            - {name: out}
            - {name: mlpipeline-metrics, type: Metrics}
            implementation:
              container:
                image: alpine:3
                command: [sh, -c, 'exec "$@"', step]
                args:
                - {inputValue: Greeting}
                - {inputPath: data}
                - {inputValue: conf}
                - {inputUri: src}
                - {inputPath: note}
                - {outputPath: out}
                - {outputUri: out}
                env: {MODE: fast}
                fileOutputs:
                  mlpipeline-metrics: /mlpipeline-metrics.json
            """;

    private ExecutionRequest v1(String yaml, Map<String, ArgumentValue> args) throws Exception {
        ComponentSpec c = ComponentLoader.parse(yaml, "step.component.yaml", tmp);
        return new ExecutionRequest("r-1", "loop/0/step", 2, c, args, Map.of());
    }

    private static Map<String, ArgumentValue> args() {
        return Map.of(
                "Greeting", new ArgumentValue.Value("hi there"),
                "data", new ArgumentValue.Artifact("s3://mlpipeline/runs/r-1/tasks/gen/outputs/data"),
                "conf", new ArgumentValue.Artifact("s3://mlpipeline/runs/r-1/tasks/gen/outputs/conf"),
                "src", new ArgumentValue.Value("s3://mlpipeline/uploads/src.csv"));
    }

    @Test
    void aV1ComponentBecomesArgvFilesToPlaceAndOutputsToPublish() throws Exception {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        store.put("runs/r-1/tasks/gen/outputs/conf", "{\"k\": 1}");
        CommandStep.V1 s = CommandStep.resolve(v1(V1, args()), "/relay", store);

        String out = "/relay/outputs/0-out/data";
        assertEquals(List.of("sh", "-c", "exec \"$@\"", "step", "hi there", "/relay/inputs/1-data/data", "{\"k\": 1}",
                "s3://mlpipeline/uploads/src.csv", "/relay/inputs/4-note/data", out,
                "s3://mlpipeline/runs/r-1/tasks/loop/0/step/outputs/out"), s.command().argv());
        assertEquals(Map.of("MODE", "fast"), s.command().env());
        // an artifact is downloaded; a value is written as the file's text (a default too)
        assertEquals(List.of(
                new CommandStep.Input("data", "/relay/inputs/1-data/data", "s3://mlpipeline/runs/r-1/tasks/gen/outputs/data", null),
                new CommandStep.Input("note", "/relay/inputs/4-note/data", null, "nothing")), s.inputs());
        // every output with the key it is published to; metrics optional, at its fileOutputs path
        assertEquals(List.of(
                new CommandStep.Output("mlpipeline-metrics", "/mlpipeline-metrics.json",
                        RunLayout.metrics("r-1", "loop/0/step"), true),
                new CommandStep.Output("out", out, RunLayout.output("r-1", "loop/0/step", "out"), false)), s.outputs());
    }

    @Test
    void aLocalWorkDirAndAPodDirGetTheSameCommandButForTheDirectory() throws Exception {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        store.put("runs/r-1/tasks/gen/outputs/conf", "c");
        ExecutionRequest r = v1(V1, args());
        String work = tmp.resolve("work/r-1/loop/0/step/2").toString();
        CommandStep.V1 pod = CommandStep.resolve(r, "/relay", store);
        CommandStep.V1 local = CommandStep.resolve(r, work, store);
        assertEquals(pod.command().argv().stream().map(a -> a.replace("/relay/", work + "/")).toList(), local.command().argv());
        assertEquals(pod.outputs().get(0), local.outputs().get(0), "a fileOutputs path is the component's, wherever it runs");
        assertEquals(work + "/inputs/1-data/data", local.inputs().get(0).path());
    }

    @Test
    void anInputValueArtifactThatStaysUnreadableFailsAsInputNotReadable() throws Exception {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        CommandStep.StepException e = assertThrows(CommandStep.StepException.class,
                () -> CommandStep.resolve(v1(V1, args()), "/relay", store));
        assertEquals(AttemptStatus.INPUT_NOT_READABLE, e.reason());
        assertEquals("input not readable: s3://mlpipeline/runs/r-1/tasks/gen/outputs/conf", e.getMessage());

        Map<String, ArgumentValue> elsewhere = new java.util.HashMap<>(args());
        elsewhere.put("conf", new ArgumentValue.Artifact("s3://other/conf"));
        e = assertThrows(CommandStep.StepException.class, () -> CommandStep.resolve(v1(V1, elsewhere), "/relay", store));
        assertEquals(AttemptStatus.INPUT_NOT_READABLE, e.reason());
        assertEquals("input 'conf': s3://other/conf is not an object in the bucket mlpipeline", e.getMessage());
    }

    @Test
    void anInputValueArtifactAnnouncedBeforeItIsReadableIsWaitedFor() throws Exception {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                return;
            }
            store.put("runs/r-1/tasks/gen/outputs/conf", "late");
        });
        late.start();
        CommandStep.V1 s = CommandStep.resolve(v1(V1, args()), "/relay", store);
        late.join();
        assertEquals("late", s.command().argv().get(6));
    }

    @Test
    void inputUriOfAPlainValueIsRefusedByName() throws Exception {
        Map<String, ArgumentValue> a = new java.util.HashMap<>(args());
        a.put("src", new ArgumentValue.Value("just text"));
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        store.put("runs/r-1/tasks/gen/outputs/conf", "c");
        CommandStep.StepException e = assertThrows(CommandStep.StepException.class,
                () -> CommandStep.resolve(v1(V1, a), "/relay", store));
        assertEquals(AttemptStatus.LAUNCH_FAILED, e.reason());
        assertEquals("inputUri of 'src' needs an artifact or an s3:// value", e.getMessage());
    }

    @Test
    void aComponentWithoutCommandOrContainerCannotRun() throws Exception {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        ExecutionRequest noCommand = v1("name: entry\nimplementation: {container: {image: alpine}}\n", Map.of());
        CommandStep.StepException e = assertThrows(CommandStep.StepException.class,
                () -> CommandStep.resolve(noCommand, "/relay", store));
        assertEquals(AttemptStatus.LAUNCH_FAILED, e.reason());
        assertTrue(e.getMessage().startsWith("component 'entry' has no command: it relies on its image's entrypoint"), e.getMessage());

        ExecutionRequest v2 = new ExecutionRequest("r-1", "t", 1, null, Map.of(), Map.of(), null, null);
        e = assertThrows(CommandStep.StepException.class, () -> CommandStep.resolve(v2, "/relay", store));
        assertEquals("component 't' has no container implementation", e.getMessage());
    }

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static ExecutionRequest v2() throws Exception {
        JsonNode io = YAML.readTree("""
                executorLabel: exec-train
                inputDefinitions:
                  parameters:
                    name: {parameterType: STRING}
                  artifacts:
                    data: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}
                outputDefinitions:
                  parameters:
                    acc: {parameterType: NUMBER_DOUBLE}
                  artifacts:
                    model: {artifactType: {schemaTitle: system.Model, schemaVersion: 0.0.1}}
                """);
        JsonNode exec = YAML.readTree("""
                container:
                  image: python:3.11
                  command: [train]
                  args:
                  - '{{$.inputs.parameters[''name'']}}'
                  - '{{$.inputs.artifacts[''data''].path}}'
                  - '{{$.outputs.artifacts[''model''].path}}'
                  - '{{$.outputs.parameters[''acc''].output_file}}'
                """);
        ExecutorTask t = new ExecutorTask(new TaskIdentity("r-2", "demo", "train", "train", 1), null,
                ComponentIo.parse("components.comp-train", io), ExecutorSpec.parse("exec-train", exec), PlatformSpec.NONE,
                Map.of("name", TextNode.valueOf("n")),
                Map.of("data", List.of(new InputArtifact("numbers", "s3://mlpipeline/runs/r-2/tasks/gen/outputs/numbers",
                        new ArtifactType("system.Dataset", "0.0.1"), Json.MAPPER.createObjectNode()))));
        return new ExecutionRequest("r-2", "train", 1, null, Map.of(), Map.of(), t, null);
    }

    @Test
    void aV2ExecutorIsPreparedWithTheLaunchersLayout() throws Exception {
        ExecutionRequest r = v2();
        Path work = tmp.resolve("work");
        PreparedExecution local = CommandStep.prepare(r, new ExecutorLayout.Local("mlpipeline", work));
        PreparedExecution pod = CommandStep.prepare(r, new ExecutorLayout.Pod("mlpipeline"));

        assertEquals("python:3.11", pod.image());
        assertEquals("train", local.argv().get(0));
        assertEquals("n", local.argv().get(1));
        // the same input and output objects; only where the program sees them differs
        assertEquals(local.downloads().get(0).storeUri(), pod.downloads().get(0).storeUri());
        assertEquals("s3://mlpipeline/runs/r-2/tasks/gen/outputs/numbers", pod.downloads().get(0).storeUri());
        assertEquals("/s3/mlpipeline/runs/r-2/tasks/gen/outputs/numbers", pod.argv().get(2));
        assertTrue(local.argv().get(2).startsWith(work.toString()), local.argv().get(2));
        assertEquals("runs/r-2/tasks/train/outputs/model", local.outputArtifacts().get("model").storeKey());
        assertEquals(local.outputArtifacts().get("model").storeKey(), pod.outputArtifacts().get("model").storeKey());
        assertTrue(local.outputParameters().get("acc").startsWith(work.toString()));
        assertFalse(pod.outputParameters().get("acc").startsWith(work.toString()));
    }

    @Test
    void aV1RequestIsNotPreparedAsAV2One() throws Exception {
        ExecutionRequest r = v1(V1, args());
        CommandStep.StepException e = assertThrows(CommandStep.StepException.class,
                () -> CommandStep.prepare(r, new ExecutorLayout.Pod("mlpipeline")));
        assertEquals(AttemptStatus.LAUNCH_FAILED, e.reason());
        assertEquals("execution r-1/loop/0/step/2 is not a KFP v2 execution", e.getMessage());
        assertNull(r.v2());
    }
}
