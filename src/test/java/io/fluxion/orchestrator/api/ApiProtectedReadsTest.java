package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.LogCapture;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code fluxion.api.protect-reads=true} the GETs under /api need the token; the maintenance status, the page and
 * the OpenAPI document stay public. A failure nobody foresaw is a 500 with an error id and a generic message: never
 * SQL, table names or a stack trace; the detail is in the log under that id.
 */
class ApiProtectedReadsTest {
    static final String TOKEN = "protect-reads-token-0123456789abcdef012";
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    static Path tmp;
    static StoreServer stores;
    static HttpApp app;

    @BeforeAll
    static void start() {
        stores = StoreServer.start(tmp.resolve("stores"));
        stores.createStore("tienda_01", false, D, D);
        Map<String, String> props = Apps.base(tmp.resolve("data"));
        props.putAll(stores.storeProperties(List.of("tienda_01")));
        props.put("fluxion.klk.enabled", "false");
        props.put("fluxion.api.token", TOKEN);
        props.put("fluxion.api.protect-reads", "true");
        app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, MutableClock.caracas(2026, 11, 21, 12, 0)));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        stores.close();
    }

    @Test
    void theApisReadsNeedTheTokenTheStatusAndThePageDoNot() {
        for (String p : List.of("/api/etl/scheduler/status", "/api/etl/ventas/status", "/api/etl/ventas/logs",
                "/api/ventas/gaps", "/api/etl/runs", "/api/etl/runs/1")) {
            HttpApp.Resp r = app.get(p);
            assertThat(r.status()).as(p).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(r.json().get("field").textValue()).isEqualTo("Authorization");
            assertThat(app.send("GET", p, null, TOKEN).status()).as(p).isIn(200, 404);
        }
        for (String p : List.of("/maintenance-status", "/", "/web/app.js", "/api/openapi.json")) {
            assertThat(app.get(p).status()).as(p).isEqualTo(200);
        }
    }

    @Test
    void anUnforeseenFailureIsA500WithAnErrorIdAndNoInternals() throws Exception {
        DataSource ledger = app.bean("ledgerDataSource", DataSource.class);
        try (LogCapture log = new LogCapture()) {
            exec(ledger, "ALTER TABLE window_run RENAME TO window_run_away");
            HttpApp.Resp r = app.send("GET", "/api/etl/runs", null, TOKEN);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            JsonNode j = r.json();
            String id = j.get("error_id").textValue();
            assertThat(id).matches("[0-9a-f]{8}");
            assertThat(j.get("error").textValue()).contains(id);
            assertThat(r.text().toLowerCase()).doesNotContain("window_run").doesNotContain("select")
                    .doesNotContain("sql").doesNotContain("h2").doesNotContain("exception").doesNotContain("\tat ");
            assertThat(log.lines("ERROR")).anyMatch(l -> l.contains(id) && l.contains("GET /api/etl/runs")
                    && l.toLowerCase().contains("window_run"));
        } finally {
            exec(ledger, "ALTER TABLE window_run_away RENAME TO window_run");
        }
        assertThat(app.send("GET", "/api/etl/runs", null, TOKEN).status()).isEqualTo(200);
    }

    static void exec(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
