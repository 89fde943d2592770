package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.argo.ArgoPackage;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.run.RunController;
import dev.relay.runner.run.RunService;
import dev.relay.runner.spec.SpecException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A KFP 1.x package's pod fields as Kubernetes Jobs, on fabric8's mock API server: the
 * Workflow's volumes and node selection, a template's volume mounts, secret and pod-field env,
 * init container, sidecar (a native sidecar, so the Job completes), nodeSelector, tolerations and
 * affinity reach the Job's pod; a template without them gets the Workflow's defaults only;
 * resource templates are refused with their reason; the local launcher refuses the same run
 * before anything starts.
 */
@EnableKubernetesMockClient(crud = true)
class ArgoPodJobTest extends MockClusterTest {
    static KubernetesClient client;

    static final Path FIXTURE = Path.of("src/test/resources/argo/pod.workflow.yaml").toAbsolutePath();

    private static String submit(String yaml) throws Exception {
        RunService runs = new RunService(store, Clock.systemUTC());
        String runId = runs.newRunId();
        runs.submit(runId, RunService.prepareArgoForCluster(new ArgoPackage(yaml, "pod.workflow.yaml"), FIXTURE), Map.of(),
                RunDoc.Cause.cli());
        return runId;
    }

    @Test
    void podFieldsOfTheTemplateReachTheJob() throws Exception {
        String runId = submit(Files.readString(FIXTURE));
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        new RunController(store, launcher, Clock.systemUTC()).evaluate(runId);
        Job job = K8sFixtures.job(client, JobNames.jobName(runId, "serve", 1));
        assertNotNull(job, "the serve Job was created");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals(List.of(KubernetesJobLauncher.VOLUME, "data", "scratch"), pod.getVolumes().stream().map(v -> v.getName()).toList());
        assertEquals("shared-data", pod.getVolumes().get(1).getPersistentVolumeClaim().getClaimName());
        assertNotNull(pod.getVolumes().get(2).getEmptyDir());
        Container main = pod.getContainers().get(0);
        assertEquals(KubernetesJobLauncher.MAIN, main.getName());
        assertEquals(1, pod.getContainers().size(), "the sidecar is not a regular container: the Job would never end");
        assertTrue(main.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("data") && m.getMountPath().equals("/data")));
        assertTrue(main.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("scratch") && m.getMountPath().equals("/scratch")));
        var token = main.getEnv().stream().filter(e -> e.getName().equals("TOKEN")).toList();
        assertEquals(1, token.size(), main.getEnv().toString());
        assertEquals("creds", token.get(0).getValueFrom().getSecretKeyRef().getName());
        assertEquals("token", token.get(0).getValueFrom().getSecretKeyRef().getKey());
        var podName = main.getEnv().stream().filter(e -> e.getName().equals("POD_NAME")).toList();
        assertEquals(1, podName.size(), "the host's empty value is replaced by the pod field: " + main.getEnv());
        assertEquals("metadata.name", podName.get(0).getValueFrom().getFieldRef().getFieldPath());
        assertEquals(List.of(KubernetesJobLauncher.FETCH, "prep", KubernetesJobLauncher.PUBLISH, "echo"),
                pod.getInitContainers().stream().map(Container::getName).toList());
        Container echo = pod.getInitContainers().get(3);
        assertEquals("Always", echo.getRestartPolicy(), "a native sidecar, stopped when main ends");
        assertEquals("hashicorp/http-echo", echo.getImage());
        assertEquals(List.of("-text=hello"), echo.getArgs());
        assertNull(pod.getInitContainers().get(1).getRestartPolicy(), "an init container runs to its end first");
        assertEquals(Map.of("accelerator", "nvidia-tesla-k80"), pod.getNodeSelector(), "the template's over the Workflow's");
        assertEquals(List.of("nvidia.com/gpu"), pod.getTolerations().stream().map(t -> t.getKey()).toList());
        assertEquals(List.of("a", "b"), pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getValues());
    }

    @Test
    void aTemplateWithoutPodFieldsGetsTheWorkflowsDefaults() throws Exception {
        String yaml = Files.readString(FIXTURE).replace("{name: plain, template: plain, dependencies: [serve]}",
                "{name: plain, template: plain}");
        String runId = submit(yaml);
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        new RunController(store, launcher, Clock.systemUTC()).evaluate(runId);
        PodSpec pod = K8sFixtures.job(client, JobNames.jobName(runId, "plain", 1)).getSpec().getTemplate().getSpec();
        assertEquals(Map.of("disk", "ssd"), pod.getNodeSelector());
        assertEquals(List.of("dedicated"), pod.getTolerations().stream().map(t -> t.getKey()).toList());
        assertEquals(List.of(KubernetesJobLauncher.VOLUME, "data"), pod.getVolumes().stream().map(v -> v.getName()).toList());
        assertEquals(List.of(KubernetesJobLauncher.FETCH, KubernetesJobLauncher.PUBLISH),
                pod.getInitContainers().stream().map(Container::getName).toList());
    }

    @Test
    void whatNoLauncherRunsIsRefusedWithItsReason() {
        String resource = """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {generateName: pvc-}
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - {name: pvc, template: make-pvc}
                  - name: make-pvc
                    resource:
                      action: create
                      manifest: |
                        apiVersion: v1
                        kind: PersistentVolumeClaim
                        metadata: {generateName: data-}
                """;
        SpecException e = assertThrows(SpecException.class,
                () -> RunService.prepareArgoForCluster(new ArgoPackage(resource, "pvc.yaml"), Path.of("pvc.yaml")));
        assertEquals("pvc.yaml:1:1: spec.templates[1](make-pvc).resource: a resource template (create of a Kubernetes"
                + " PersistentVolumeClaim) is not run by Relay, whose Jobs run containers; create the object before the run",
                e.errors().get(0).toString());
        String templated = """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {generateName: tag-}
                spec:
                  entrypoint: main
                  arguments: {parameters: [{name: tag, value: latest}]}
                  templates:
                  - name: main
                    inputs: {parameters: [{name: tag}]}
                    sidecars: [{name: echo, image: 'hashicorp/http-echo:{{inputs.parameters.tag}}'}]
                    container: {image: alpine, command: [echo, hi]}
                """;
        SpecException t = assertThrows(SpecException.class,
                () -> RunService.prepareArgoForCluster(new ArgoPackage(templated, "tag.yaml"), Path.of("tag.yaml")));
        assertEquals("tag.yaml:1:1: spec.templates[0](main).sidecars: holds a {{...}} reference ({{inputs.parameters.tag}});"
                + " the pod's sidecars must be fixed in the package", t.errors().get(0).toString());
    }

    @Test
    void theLocalLauncherRefusesTheSameRunBeforeAnythingStarts() throws Exception {
        String runId = submit(Files.readString(FIXTURE));
        List<ExecutionRequest> launched = new CopyOnWriteArrayList<>();
        Launcher local = launched::add;
        new RunController(store, local, Clock.systemUTC()).evaluate(runId);
        assertTrue(launched.isEmpty(), "nothing was launched");
        AttemptStatus s = Json.read(store.get(RunLayout.attemptStatus(runId, "serve", 1)).orElseThrow(), AttemptStatus.class, "s");
        assertEquals(ExecutionPhase.Failed, s.phase());
        assertEquals(AttemptStatus.LAUNCH_FAILED, s.reason());
        assertTrue(s.message().startsWith("this host cannot run it: spec.volumes: a workflow with volumes needs Kubernetes"),
                s.message());
    }
}
