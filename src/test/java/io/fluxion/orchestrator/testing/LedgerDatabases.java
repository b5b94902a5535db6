package io.fluxion.orchestrator.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.ledger.LedgerDataSource;
import java.nio.file.Path;
import java.util.Map;

/**
 * The two databases the ledger runs on, opened through the app's own pool ({@link LedgerDataSource}): the
 * embedded H2 file of the default configuration, and a database of its own on the test JVM's PostgreSQL server
 * ({@link PostgresServer}). Tests of the ledger's SQL run once on each ({@code @EnumSource(Kind.class)}).
 */
public final class LedgerDatabases {
    private LedgerDatabases() {
    }

    public enum Kind {
        H2, POSTGRESQL
    }

    /** The JDBC URL, user and password of a ledger; {@link #properties()} are the app's fluxion.ledger.* keys. */
    public record Database(String url, String user, String password) {
        public Map<String, String> properties() {
            return Map.of("fluxion.ledger.url", url, "fluxion.ledger.user", user, "fluxion.ledger.password", password);
        }
    }

    /** The default ledger URL of a data dir, as FluxionConfig builds it. */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("ledger").toString().replace('\\', '/')
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
    }

    /** URL, user and password of a new empty ledger of that kind (the H2 file under {@code dir}). */
    public static Database newDatabase(Kind kind, Path dir) {
        return kind == Kind.H2 ? new Database(h2Url(dir), "sa", "") : PostgresServer.newDatabase();
    }

    /** The app's pool on a new empty ledger of that kind (no table yet). */
    public static HikariDataSource open(Kind kind, Path dir) {
        return open(newDatabase(kind, dir));
    }

    /** The app's pool on that database. */
    public static HikariDataSource open(Database db) {
        return LedgerDataSource.open(LedgerDataSource.settings(db.url(), db.user(), db.password(), "4"));
    }
}
