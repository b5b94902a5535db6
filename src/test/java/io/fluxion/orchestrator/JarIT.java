package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.demo.DemoStores;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.JarProcess.Result;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.WindowHours;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar itself, started from another working directory: run-window on the embedded
 * demo loads exactly the demo's rows of the date, a rerun duplicates nothing, and a second process
 * on the same data dir is refused. Every start sets the window hours (far from the real hour): no test
 * here depends on the time of day.
 */
class JarIT {
    @TempDir
    Path work;

    @Test
    void runWindowOnTheDemoLoadsExactlyTheSourceAndARerunDuplicatesNothing() throws Exception {
        LocalDate d = LocalDate.now(ZoneId.of("America/Caracas")).minusDays(2);
        Result first = run(List.of("run-window", "--date", d.toString()), 180);
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("SUCCEEDED").contains("13 total, 13 succeeded, 0 failed");

        Path data = work.resolve("data");
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        long total = 0;
        for (StoreConfig s : DemoStores.stores(data)) {
            StoreServer.Totals source = sourceTotals(s, d);
            if (s.isKlk()) {
                assertThat(duck.totals(s.id(), d).rows()).as("KLK stores are not in the nightly window").isZero();
                continue;
            }
            assertThat(source.rows()).isPositive();
            assertThat(duck.totals(s.id(), d)).as(s.id()).isEqualTo(source);
            total += source.rows();
        }
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).isEqualTo(total);
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE fecha <> ?", d)).isZero();

        Result second = run(List.of("run-window", "--date", d.toString()), 180);
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).isEqualTo(total);
    }

    @Test
    void runWindowIsRefusedWhileTheServiceWorksOnTheSameDataDir() throws Exception {
        int port = io.fluxion.orchestrator.testing.HttpApp.freePort();
        List<String> jvm = new ArrayList<>(List.of("-Dcamel.server.port=" + port));
        // the window far from the real hour: the service's start-up catch-up never runs a window here
        // (at 01:00-06:00 Caracas it did, on the default hours, and created the DuckDB file)
        jvm.addAll(WindowHours.farFromNowArgs());
        try (JarProcess service = JarProcess.start(work, work.resolve("service.out"), jvm, Map.of())) {
            service.awaitOutput("(fluxion) started", 120);
            Result r = run(List.of("run-window"), 60);
            assertThat(r.exit()).as(r.output()).isEqualTo(3);
            assertThat(r.output()).contains("another Fluxion process").contains("Fluxion service");
            assertThat(work.resolve("data/fluxion.duckdb")).doesNotExist();
            service.terminate();
            service.waitFor(30);
        }
    }

    private StoreServer.Totals sourceTotals(StoreConfig s, LocalDate d) throws Exception {
        // without DB_CLOSE_DELAY the file is closed with the connection, so the next run-window can open it
        try (Connection c = DriverManager.getConnection(s.url().replace(";DB_CLOSE_DELAY=-1", ""), s.user(), s.password());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT COUNT(*), COALESCE(SUM(total), 0) FROM ventas WHERE fecha_hora >= ? AND fecha_hora < ?")) {
            ps.setObject(1, d.atStartOfDay());
            ps.setObject(2, d.plusDays(1).atStartOfDay());
            StoreServer.Totals t;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                t = new StoreServer.Totals(rs.getLong(1), rs.getBigDecimal(2).setScale(4));
            }
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("SHUTDOWN"); // release the file for the next run-window process
            }
            return t;
        }
    }

    private Result run(List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
        return JarProcess.run(work, WindowHours.farFromNowArgs(), Map.of(), timeoutSeconds, args.toArray(String[]::new));
    }
}
