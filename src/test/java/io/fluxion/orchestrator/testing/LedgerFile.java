package io.fluxion.orchestrator.testing;

import io.fluxion.orchestrator.ledger.Ledger;
import java.nio.file.Path;
import java.util.function.Function;
import org.h2.jdbcx.JdbcConnectionPool;

/** Opens the ledger an app left in its data dir (after the app has stopped). */
public final class LedgerFile {
    private LedgerFile() {
    }

    public static <T> T read(Path dataDir, Function<Ledger, T> question) {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dataDir.resolve("ledger")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "");
        try {
            return question.apply(new Ledger(pool));
        } finally {
            pool.dispose();
        }
    }
}
