package io.fluxion.orchestrator.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The package graph of docs/ARCHITECTURE.md as a rule: a package imports only packages below it, so no cycle can
 * come back. Each level lists its packages; packages on one level do not import each other. A new package must be
 * given a level here (and in the docs) before it compiles into the product. The {@code @ArchTest} rules run on the
 * product's classes (ArchUnit's JUnit 5 engine); the {@code @Test}s check the same rule on the source text and show
 * that it fails on each dependency issue 14 removed.
 */
@AnalyzeClasses(packages = LayeringTest.ROOT, importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
    static final String ROOT = "io.fluxion.orchestrator";

    /** Bottom to top. */
    static final List<List<String>> LEVELS = List.of(
            List.of("config"),
            List.of("lifecycle"),
            List.of("ledger"),
            List.of("backend", "cluster", "demo"),
            List.of("etl"),
            List.of("schedule"),
            List.of("window"),
            List.of("klk"),
            List.of("monitoring"),
            List.of("api"),
            List.of("(root)"));

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

    @ArchTest
    static final ArchRule everyPackageImportsOnlyPackagesBelowIt = layers();

    @ArchTest
    static final ArchRule thePackagesHaveNoCycle = noCycles();

    @ArchTest
    static final ArchRule everyPackageIsPlacedInTheGraph = everyPackageHasALevel();

    /**
     * The same rule on the source text: javac copies a compile-time constant (a {@code static final String} of
     * another class) into the class that reads it, so such a dependency leaves no trace in the bytecode ArchUnit
     * reads. Every name of the product a source file mentions (imports, qualified names, Javadoc links) must be of
     * its own level or below.
     */
    @Test
    void everySourceFileNamesOnlyPackagesBelowIt() throws IOException {
        Path sources = Path.of("src/main/java/io/fluxion/orchestrator");
        Map<String, Integer> level = new HashMap<>();
        for (int i = 0; i < LEVELS.size(); i++) {
            for (String layer : LEVELS.get(i)) {
                level.put(layer, i);
            }
        }
        Pattern named = Pattern.compile("io\\.fluxion\\.orchestrator\\.([a-z]+\\.)?[A-Z]");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path dir = sources.relativize(f).getParent();
                String own = dir == null ? "(root)" : dir.toString().replace('/', '.');
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = named.matcher(line);
                    while (m.find()) {
                        String other = m.group(1) == null ? "(root)" : m.group(1).substring(0, m.group(1).length() - 1);
                        if (!other.equals(own) && level.getOrDefault(other, -1) >= level.getOrDefault(own, -1)) {
                            violations.add(sources.relativize(f) + " (" + own + ") names " + other + ": " + line.strip());
                        }
                    }
                }
            }
        }
        assertThat(violations).as("names of a package at the same level or above").isEmpty();
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
        // the fixture alone (the product's classes pass, see above); the layers it does not touch may be empty here
        JavaClasses fixtureOnly = new ClassFileImporter().importClasses(Class.forName(ROOT + "." + fixture));
        EvaluationResult result = layers().withOptionalLayers(true).evaluate(fixtureOnly);
        assertThat(result.hasViolation()).as(fixture + " breaks the layering").isTrue();
        assertThat(result.getFailureReport().getDetails()).isNotEmpty().allMatch(d -> d.contains(fixture));
    }
}
