package dev.relay.runner.cli;

import dev.relay.runner.k8s.Deployer;
import dev.relay.runner.k8s.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay deploy render|apply}: Relay's Kubernetes + Knative manifests ({@code deploy/knative}).
 *
 * <p>The manifests are read from the repository, not packaged in the jar: {@code --dir} if given,
 * else {@code deploy/knative} found by walking up from the jar ({@code runner/target/relay-runner.jar}
 * → the repository root) and then from the current directory. Exit codes: 0 done, 1 the manifests
 * are invalid or the cluster refused them, 2 usage error (including no manifests found).
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Render or apply Relay's Kubernetes + Knative manifests (deploy/knative).",
        subcommands = {DeployCommand.Render.class, DeployCommand.Apply.class})
public final class DeployCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Prints usage and exits 2: a subcommand is required. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("relay deploy: name a subcommand (render or apply)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Options both subcommands take. */
    static final class Common {
        @Option(names = "--namespace", paramLabel = "NS", description = "Namespace of every object (default: the kustomization's, relay).")
        String namespace;

        @Option(names = "--image", paramLabel = "IMAGE", description = "The functions image (relay-functions and relay-bridge).")
        String image;

        @Option(names = "--launcher-image", paramLabel = "IMAGE",
                description = "RELAY_LAUNCHER_IMAGE: the image built from deploy/launcher/Dockerfile.")
        String launcherImage;

        @Option(names = "--dir", paramLabel = "DIR", description = "A kustomization directory (default: deploy/knative of this repository).")
        Path dir;

        Manifests.Options options() {
            return new Manifests.Options(namespace, image, launcherImage);
        }
    }

    /** {@code relay deploy render}: prints the objects, like {@code kubectl kustomize deploy/knative}. */
    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Print the manifests as kubectl kustomize would, with --namespace and --image substituted.")
    static final class Render implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin Common common = new Common();

        /** Renders; see {@link DeployCommand} for exit codes. */
        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Path dir = locate(common.dir, err);
            if (dir == null) {
                return 2;
            }
            try {
                String yaml = Manifests.toYaml(Manifests.render(dir, common.options()));
                spec.commandLine().getOut().print(yaml);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (Manifests.ManifestException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }

    /** {@code relay deploy apply}: applies the rendered objects to the current kube context. */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Apply the manifests to the current kube context (server-side apply; an existing Secret is kept).")
    static final class Apply implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin Common common = new Common();
        private final Supplier<KubernetesClient> clients;

        /** Uses the current kube context (~/.kube/config, KUBECONFIG, or the in-cluster account). */
        Apply() {
            this(() -> new KubernetesClientBuilder().build());
        }

        /** @param clients makes the client to apply with (tests pass the mock server's) */
        Apply(Supplier<KubernetesClient> clients) {
            this.clients = clients;
        }

        /** Validates every object as a typed resource, then applies; see {@link DeployCommand} for exit codes. */
        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Path dir = locate(common.dir, err);
            if (dir == null) {
                return 2;
            }
            List<HasMetadata> objects;
            try {
                objects = Manifests.typed(Manifests.render(dir, common.options()), dir.toString());
            } catch (Manifests.ManifestException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 1;
            }
            try (KubernetesClient client = clients.get()) {
                Deployer.apply(client, objects, spec.commandLine().getOut());
                return 0;
            } catch (KubernetesClientException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }

    /** The manifests' directory, or null after printing why there is none. */
    static Path locate(Path given, PrintWriter err) {
        if (given != null) {
            if (Files.isRegularFile(given.resolve("kustomization.yaml"))) {
                return given;
            }
            err.println("relay: " + given + " holds no kustomization.yaml");
            err.flush();
            return null;
        }
        for (Path start : starts()) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path candidate = p.resolve("deploy").resolve("knative");
                if (Files.isRegularFile(candidate.resolve("kustomization.yaml"))) {
                    return candidate;
                }
            }
        }
        err.println("relay: cannot find deploy/knative (looked above the relay jar and the current directory); pass --dir DIR");
        err.flush();
        return null;
    }

    private static List<Path> starts() {
        Path cwd = Path.of("").toAbsolutePath();
        try {
            Path code = Path.of(DeployCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            return List.of(code, cwd);
        } catch (URISyntaxException | RuntimeException e) {
            return List.of(cwd);
        }
    }
}
