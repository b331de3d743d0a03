package org.clipbench.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * One package per concept, dependencies pointing one way: no cycle between the packages of
 * org.clipbench (main code; JMH's generated classes excluded).
 */
class PackageLayersTest {
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/jmh_generated/"))
            .importPackages("org.clipbench");

    @Test
    void noPackageCycles() {
        org.assertj.core.api.Assertions.assertThat(MAIN.size()).as("classes imported").isGreaterThan(150);
        slices().matching("org.clipbench.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    /** The lower layers know nothing of what is built on them. */
    @Test
    void kernelsAndBackendsDependOnNothingAbove() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                .that().resideInAnyPackage("org.clipbench.kernel..", "org.clipbench.backend..")
                .should().dependOnClassesThat().resideInAnyPackage("org.clipbench.params..", "org.clipbench.strategy..",
                        "org.clipbench.models..", "org.clipbench.bench..", "org.clipbench.analysis..", "org.clipbench.report..",
                        "org.clipbench.cli..")
                .check(MAIN);
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                .that().resideInAnyPackage("org.clipbench.strategy..")
                .should().dependOnClassesThat().resideInAnyPackage("org.clipbench.bench..", "org.clipbench.jmhgrid..",
                        "org.clipbench.analysis..", "org.clipbench.report..", "org.clipbench.cli..", "org.clipbench.experiments..")
                .check(MAIN);
    }
}
