package io.fluxion.orchestrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The ledger's versioned migrations as the build ships them ({@code db/ledger/V<n>__*.sql} on the class path), so
 * that tests about "every migration applied" need no edit when a migration is added. Versions need not follow each
 * other (V1, V2, V4 ...).
 */
public final class Migrations {
    /** Their versions, in order. */
    public static final List<Integer> VERSIONS = versions();
    /** How many migrations a new ledger gets. */
    public static final int COUNT = VERSIONS.size();

    private Migrations() {
    }

    /** Flyway's history of a ledger migrated to the last version: "1 SQL true", "2 SQL true", ... */
    public static List<String> history() {
        return VERSIONS.stream().map(v -> v + " SQL true").toList();
    }

    /** The same after a baseline at version 0 (a ledger older than the migrations). */
    public static List<String> historyAfterBaseline() {
        List<String> out = new ArrayList<>(List.of("0 BASELINE true"));
        out.addAll(history());
        return out;
    }

    /** The history row of the newest migration. */
    public static String last() {
        return VERSIONS.get(VERSIONS.size() - 1) + " SQL true";
    }

    private static List<Integer> versions() {
        try {
            // the sources (tests run in the project's folder); the class path's copy when it is a folder (in the
            // integration tests it is inside the jar)
            Path dir = Path.of("src", "main", "resources", "db", "ledger");
            if (!Files.isDirectory(dir)) {
                dir = Path.of(Migrations.class.getResource("/db/ledger").toURI());
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.+\\.sql"))
                        .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).sorted(Comparator.naturalOrder())
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
