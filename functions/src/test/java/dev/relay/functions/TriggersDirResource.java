package dev.relay.functions;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The triggers folder of every test app: {@code examples/triggers/*.yaml} plus {@code needs-owner},
 * an EventTrigger whose template needs {@code data.owner} (for the 422 case).
 */
public class TriggersDirResource implements QuarkusTestResourceLifecycleManager {
    /** The type {@code needs-owner} reacts to. */
    public static final String OWNER_TYPE = "com.example.model.owner-needed";

    @Override
    public Map<String, String> start() {
        Path dir = Path.of("target/test-triggers").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(TestSupport.repo().resolve("examples/triggers"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(dir.resolve("needs-owner.yaml"), """
                    apiVersion: relay.dev/v1
                    kind: EventTrigger
                    metadata: {name: needs-owner}
                    spec:
                      type: %s
                      pipeline: {name: retrain, version: latest}
                      parameters:
                        model: "{{ data.owner }}"
                    """.formatted(OWNER_TYPE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("relay.triggers-dir", dir.toString());
    }

    @Override
    public void stop() {
        // the folder stays for inspection
    }
}
