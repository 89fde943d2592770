package dev.relay.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.local.Buckets;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.store.StoreException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code relay pipeline ...}: the pipeline registry ({@code pipelines/<name>/<version>/pipeline.yaml}). */
@Command(name = "pipeline", description = "Manage registered pipelines.",
        subcommands = {PipelineCommand.Upload.class})
public final class PipelineCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * {@code relay pipeline upload FILE [--name N] [--version V] [--json] [--state-dir DIR]}:
     * validates and registers a pipeline in the bucket of {@link Buckets#open}: the one of
     * {@code RELAY_S3_ENDPOINT} when set, else the embedded store of the state dir (the same
     * objects a running {@code relay server} on that state dir serves). Exit 0 registered (or already
     * registered with the same content), 1 invalid file or version conflict, 2 usage error.
     */
    @Command(name = "upload", description = "Register a pipeline file under a name and version.")
    public static final class Upload implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "pipeline (KFP v1 graph component) or component.yaml")
        Path file;

        @Option(names = "--name", paramLabel = "N", description = "pipeline name (default: the pipeline's own name)")
        String name;

        @Option(names = "--version", paramLabel = "V",
                description = "version (default: first 12 hex digits of the sha256 of the stored content)")
        String version;

        @Option(names = "--json", description = "print one JSON document on stdout")
        boolean json;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "embedded state (default: $RELAY_STATE_DIR or .relay)")
        Path stateDir;

        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintStream out = new PrintStream(new WriterStream(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(new WriterStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
            String notFile = InputFiles.problem(file);
            if (notFile != null) {
                err.println("relay: " + file + ": " + notFile);
                return 2;
            }
            RelayEnv env = RelayEnv.current();
            String bucket = env.bucket();
            try (Buckets.Open open = Buckets.open(env, env.stateDir(stateDir))) {
                PipelineRegistry registry = new PipelineRegistry(open.store(), Clock.systemUTC());
                PipelineRegistry.Registered r = registry.registerFile(file, name, version);
                if (json) {
                    ObjectNode doc = Json.MAPPER.createObjectNode();
                    doc.put("name", r.name());
                    doc.put("version", r.version());
                    doc.put("uri", "s3://" + bucket + "/" + r.key());
                    doc.put("sha256", r.sha256());
                    doc.put("createdAt", r.createdAt());
                    doc.put("created", r.created());
                    out.println(Json.pretty(doc));
                } else {
                    out.printf("%s pipeline %s version %s (s3://%s/%s)%n", r.created() ? "registered" : "already registered",
                            r.name(), r.version(), bucket, r.key());
                }
                return 0;
            } catch (SpecException e) {
                e.errors().forEach(er -> err.println(er.toString().replaceFirst("^pipeline\\.yaml:", file + ":")));
                return 1;
            } catch (PipelineRegistry.ConflictException e) {
                err.println("relay: " + e.getMessage());
                return 1;
            } catch (IllegalArgumentException e) {
                err.println("relay: " + e.getMessage());
                return 2;
            } catch (UncheckedIOException | StoreException e) {
                err.println("relay: " + e.getMessage());
                return 2;
            }
        }
    }
}
