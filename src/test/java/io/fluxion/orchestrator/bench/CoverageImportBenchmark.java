package io.fluxion.orchestrator.bench;

import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.etl.CoverageImport;
import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.ledger.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * How long a new ledger's coverage import takes on a DuckDB file with years of history (docs/PERFORMANCE.md):
 * {@code java -cp ... io.fluxion.orchestrator.bench.CoverageImportBenchmark [days=1096] [rowsPerStoreDay=2000]}
 * builds 16 stores x days x rows in a temporary DuckDB file, then times {@link CoverageImport#atStart()}
 * (the GROUP BY over ventas_raw and the ledger's inserts into an H2 file). Not a test.
 */
public final class CoverageImportBenchmark {
    private CoverageImportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int stores = 16;
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 1096;
        int perDay = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path dir = Files.createTempDirectory("coverage-import-bench");
        Path duck = dir.resolve("fluxion.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + duck); Statement st = c.createStatement()) {
            for (String sql : SqlFiles.statements(SqlFiles.read("classpath:sql/duckdb-schema.sql"))) {
                st.execute(sql);
            }
            st.execute("INSERT INTO ventas_raw (ubicacion_id, fecha, id, total) SELECT 'tienda_' || lpad(CAST(s AS VARCHAR),"
                    + " 2, '0'), DATE '2023-11-24' + CAST(d AS INTEGER), r, CAST(r % 1000 AS DECIMAL(18, 4))"
                    + " FROM range(" + stores + ") t(s), range(" + days + ") u(d), range(" + perDay + ") v(r)");
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("ledger")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0", "sa", "");
        try {
            Ledger ledger = new Ledger(pool);
            ledger.migrate();
            CoverageImport coverage = new CoverageImport(ledger, new DuckDbWriter(duck, Clock.systemUTC()),
                    Clock.systemUTC());
            long t0 = System.nanoTime();
            coverage.atStart();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("coverage import: %,d rows in ventas_raw, %,d (store, date) pairs recorded, %,d ms%n",
                    (long) stores * days * perDay, ledger.storeDays().size(), ms);
        } finally {
            pool.dispose();
        }
    }
}
