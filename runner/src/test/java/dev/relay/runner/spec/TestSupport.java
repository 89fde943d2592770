package dev.relay.runner.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/** Helpers shared by the spec tests. */
final class TestSupport {
    private TestSupport() {
    }

    /** The KFP v1 components in ../shared/cases/v1_components; the test is skipped when absent. */
    static Path sharedComponents() {
        String dir = System.getProperty("relay.shared.dir");
        Assumptions.assumeTrue(dir != null, "relay.shared.dir is not set: skipping the shared-case test");
        Path p = Path.of(dir, "cases", "v1_components");
        Assumptions.assumeTrue(Files.isDirectory(p), "shared cases not found at " + p + ": skipping");
        return p;
    }

    /** A path provider with readable, predictable paths. */
    static final PathProvider PATHS = new PathProvider() {
        @Override
        public String inputPath(String input) {
            return "/relay/inputs/" + input + "/data";
        }

        @Override
        public String outputPath(String output) {
            return "/relay/outputs/" + output + "/data";
        }

        @Override
        public String inputUri(String input) {
            return "s3://mlpipeline/in/" + input;
        }

        @Override
        public String outputUri(String output) {
            return "s3://mlpipeline/out/" + output;
        }
    };

    static ComponentSpec parse(String yaml) throws SpecException {
        return ComponentLoader.parse(yaml, "test.yaml", null);
    }

    static List<String> argv(ComponentSpec c, Map<String, String> args) throws SpecException {
        return Resolver.resolve(c, args, PATHS).argv();
    }

    /** Parses yaml expecting failure; returns the errors' toString() lines. */
    static List<String> errors(String yaml) {
        SpecException e = assertThrows(SpecException.class, () -> parse(yaml));
        return e.errors().stream().map(SpecError::toString).collect(Collectors.toList());
    }

    /** Asserts exactly one error, equal to {@code expected} ("test.yaml:L:C: message"). */
    static void assertOneError(String expected, String yaml) {
        assertEquals(List.of(expected), errors(yaml));
    }

    static void assertAnyErrorContains(List<String> errors, String fragment) {
        assertTrue(errors.stream().anyMatch(e -> e.contains(fragment)),
                () -> "no error contains '" + fragment + "' in " + errors);
    }
}
