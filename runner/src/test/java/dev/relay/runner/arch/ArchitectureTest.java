package dev.relay.runner.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of {@code docs/architecture.md}, checked on the compiled classes of
 * {@code eventing} and {@code runner} (bytecode, so fully qualified uses count as much as
 * imports). The functions module checks the cycles of all of {@code dev.relay} with its own classes.
 */
class ArchitectureTest {
    /** Quarkus, and the CDI / JAX-RS / SmallRye APIs it brings: only the functions module may use them. */
    static final String[] QUARKUS = {"io.quarkus..", "io.smallrye..", "jakarta.enterprise..", "jakarta.inject..",
        "jakarta.ws.rs..", "org.jboss.resteasy..", "io.vertx.ext.web.."};

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.relay.runner", "dev.relay.eventing");

    @Test
    void noPackageCycles() {
        slices().matching("dev.relay.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theEngineUsesOnlyTheJavaPlatform() {
        classes().that().resideInAPackage("dev.relay.runner.engine..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.relay.runner.engine..")
                .check(CLASSES);
    }

    @Test
    void runnerAndEventingHoldNoQuarkusTypes() {
        noClasses().that().resideInAnyPackage("dev.relay.runner..", "dev.relay.eventing..")
                .should().dependOnClassesThat().resideInAnyPackage(QUARKUS)
                .check(CLASSES);
    }

    @Test
    void eventingUsesNothingOfRunnerOrFunctions() {
        noClasses().that().resideInAPackage("dev.relay.eventing..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.relay.runner..", "dev.relay.functions..")
                .check(CLASSES);
    }

    /**
     * Issue 13: every YAML and JSON read goes through {@code eventing.input}'s limits. No class
     * elsewhere loads YAML with SnakeYAML's {@code Yaml} (SafeYaml composes, checks aliases and
     * depth) or makes a Jackson mapper or factory without Relay's read constraints (SafeJson).
     */
    @Test
    void yamlAndJsonAreReadOnlyThroughTheInputLimits() {
        noClasses().that().resideOutsideOfPackage("dev.relay.eventing.input..")
                .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                        com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                                com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(org.yaml.snakeyaml.Yaml.class)))
                        .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                                com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching("load.*|compose.*|parse"))))
                .orShould().callConstructor(com.fasterxml.jackson.databind.ObjectMapper.class)
                .orShould().callMethod(com.fasterxml.jackson.databind.json.JsonMapper.class, "builder")
                .orShould().callConstructor(com.fasterxml.jackson.dataformat.yaml.YAMLMapper.class)
                .orShould().callConstructor(com.fasterxml.jackson.core.JsonFactory.class)
                .because("limits on size, aliases and depth (SafeYaml, SafeJson) apply to every read")
                .check(CLASSES);
    }

    @Test
    void theRulesSeeTheClasses() {
        // a rule over no classes passes whatever the code: make sure the import found them
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.containPackage("dev.relay.runner.engine"));
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.containPackage("dev.relay.eventing.s3"));
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.size() > 150, "classes: " + CLASSES.size());
    }
}
