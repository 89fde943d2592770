package dev.relay.functions;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * No package cycles anywhere in {@code dev.relay} (eventing, runner and functions together), and
 * modules depending one way: functions → runner → eventing. The runner module checks its own
 * rules (pure engine, no Quarkus) in {@code dev.relay.runner.arch.ArchitectureTest}.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.relay");

    @Test
    void noPackageCyclesInRelay() {
        Assertions.assertTrue(CLASSES.containPackage("dev.relay.functions.events"), "the import found the functions");
        Assertions.assertTrue(CLASSES.containPackage("dev.relay.runner.run"), "the import found the runner");
        slices().matching("dev.relay.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void runnerAndEventingUseNothingOfFunctions() {
        noClasses().that().resideInAnyPackage("dev.relay.runner..", "dev.relay.eventing..")
                .should().dependOnClassesThat().resideInAPackage("dev.relay.functions..")
                .check(CLASSES);
    }
}
