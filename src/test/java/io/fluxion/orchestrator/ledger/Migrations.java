package io.fluxion.orchestrator.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The ledger's migrations this version ships (src/main/resources/db/ledger), so the tests follow a new one. */
final class Migrations {
    private Migrations() {
    }

    /** Their versions, in order ("1", "4", ...). */
    static List<String> versions() {
        try {
            Path dir = Path.of(Migrations.class.getClassLoader().getResource("db/ledger").toURI());
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V[0-9]+__.*\\.sql"))
                        .map(n -> n.substring(1, n.indexOf("__"))).sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static int count() {
        return versions().size();
    }

    /** The history rows ({@code LedgerUpgradeTest.history}) of every migration applied successfully. */
    static List<String> applied() {
        return versions().stream().map(v -> v + " SQL true").toList();
    }

    static String last() {
        List<String> v = versions();
        return v.get(v.size() - 1) + " SQL true";
    }
}
