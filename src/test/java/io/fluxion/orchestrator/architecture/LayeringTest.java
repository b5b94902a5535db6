package io.fluxion.orchestrator.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The package graph of docs/ARCHITECTURE.md as a rule: a package imports only packages below it, so no cycle can
 * come back. Each level lists its packages; packages on one level do not import each other. A new package must be
 * given a level here (and in the docs) before it compiles into the product.
 */
class LayeringTest {
    static final String ROOT = "io.fluxion.orchestrator";

    /** Bottom to top. */
    static final List<List<String>> LEVELS = List.of(
            List.of("config"),
            List.of("lifecycle"),
            List.of("ledger"),
            List.of("backend", "demo"),
            List.of("etl"),
            List.of("schedule"),
            List.of("window"),
            List.of("klk"),
            List.of("monitoring"),
            List.of("api"),
            List.of("(root)"));

    static JavaClasses main;

    @BeforeAll
    static void importTheProduct() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    static String packageOf(String layer) {
        return "(root)".equals(layer) ? ROOT : ROOT + "." + layer + "..";
    }

    /** Each layer may use only the layers of the levels below its own. */
    static LayeredArchitecture layers() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> level : LEVELS) {
            for (String layer : level) {
                rule = rule.layer(layer).definedBy(packageOf(layer));
            }
        }
        List<String> below = new ArrayList<>();
        for (List<String> level : LEVELS) {
            for (String layer : level) {
                rule = below.isEmpty() ? rule.whereLayer(layer).mayNotAccessAnyLayer()
                        : rule.whereLayer(layer).mayOnlyAccessLayers(below.toArray(String[]::new));
            }
            below.addAll(level);
        }
        return rule;
    }

    static ArchRule noCycles() {
        return slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();
    }

    static ArchRule everyPackageHasALevel() {
        String[] known = LEVELS.stream().flatMap(List::stream).map(LayeringTest::packageOf).toArray(String[]::new);
        return ArchRuleDefinition.classes().should().resideInAnyPackage(known)
                .as("every package of the product has a level in LayeringTest.LEVELS (and in docs/ARCHITECTURE.md)");
    }

    @Test
    void everyPackageImportsOnlyPackagesBelowIt() {
        layers().check(main);
    }

    @Test
    void thePackagesHaveNoCycle() {
        noCycles().check(main);
    }

    @Test
    void everyPackageIsPlacedInTheGraph() {
        everyPackageHasALevel().check(main);
    }

    /**
     * The rule catches each dependency issue 14 removed: a fixture class of the test sources (one per package,
     * named {@code LayeringFixture}, never used elsewhere) brings it back, and the rule must fail naming it.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "etl.LayeringFixture",        // etl -> window (StoreEtl was in etl)
        "ledger.LayeringFixture",     // ledger -> etl (SqlFiles was in etl)
        "api.LayeringFixture",        // api -> root (ApiConfiguration read FluxionConfiguration.CLOCK)
        "klk.LayeringFixture",        // klk -> api (ScheduledRoute was in api)
        "monitoring.LayeringFixture", // monitoring -> api
        "lifecycle.LayeringFixture",  // lifecycle -> window
    })
    void eachRemovedDependencyWouldFailTheRule(String fixture) throws Exception {
        JavaClasses withFixture = new ClassFileImporter().importClasses(concat(main, Class.forName(ROOT + "." + fixture)));
        EvaluationResult result = layers().evaluate(withFixture);
        assertThat(result.hasViolation()).as(fixture + " breaks the layering").isTrue();
        assertThat(result.getFailureReport().getDetails()).allMatch(d -> d.contains(fixture));
    }

    private static Class<?>[] concat(JavaClasses classes, Class<?> extra) {
        List<Class<?>> all = new ArrayList<>(classes.stream().map(c -> c.reflect()).toList());
        all.add(extra);
        return all.toArray(Class<?>[]::new);
    }
}
