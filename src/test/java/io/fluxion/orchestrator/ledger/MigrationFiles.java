package io.fluxion.orchestrator.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The ledger's versioned migrations this version ships (src/main/resources/db/ledger/V&lt;n&gt;__*.sql): what a new
 * ledger applies. Counted rather than written in each test, so that a branch adding a migration changes no test.
 */
public final class MigrationFiles {
    private MigrationFiles() {
    }

    public static int count() {
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "db", "ledger"))) {
            return (int) files.filter(p -> p.getFileName().toString().matches("V\\d+__.+\\.sql")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The history rows a new ledger gets, as LedgerUpgradeTest.history writes them: "1 SQL true", "3 SQL true", ... */
    public static java.util.List<String> applied() {
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "db", "ledger"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).sorted().map(v -> v + " SQL true").toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same after the baseline of a ledger created before the migrations. */
    public static java.util.List<String> afterBaseline() {
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add("0 BASELINE true");
        out.addAll(applied());
        return out;
    }
}
