package io.fluxion.orchestrator.klk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.KlkRunRecord;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.Services;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.util.Date;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-row rule in KLK direct mode: a scheduled sales sync that gets no row for a day DuckDB holds keeps
 * the day (suspect, in the run's detail and the coverage's note); a manual sync replaces it.
 */
class KlkSuspectDayTest {
    static final LocalDate TODAY = LocalDate.of(2026, 11, 24);
    static final LocalDate YESTERDAY = TODAY.minusDays(1);
    static final String KLK = "tienda_12";

    @TempDir
    Path tmp;

    @Test
    void aScheduledSyncKeepsADayTheSourceLostAndAManualOneReplacesIt() throws Exception {
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"))) {
            stores.createStore(KLK, true, YESTERDAY, TODAY);
            Map<String, String> p = Apps.base(tmp.resolve("data"));
            p.putAll(stores.storeProperties(Map.of(KLK, stores.port()), "klk"));
            p.put("camel.component.quartz.autoStartScheduler", "false");
            MutableClock clock = MutableClock.caracas(2026, 11, 24, 10, 0).ticking();
            try (Services app = Services.start(p, Map.of(FluxionConfiguration.CLOCK, clock))) {
                ProducerTemplate t = app.context().createProducerTemplate();
                DuckDbFile duck = new DuckDbFile(tmp.resolve("data").resolve("fluxion.duckdb"));
                assertThat(sync(app, t, clock, true).status()).isEqualTo("SUCCEEDED");
                StoreServer.Totals held = stores.totals(KLK, YESTERDAY);
                assertThat(duck.totals(KLK, YESTERDAY)).isEqualTo(held);

                // the source loses yesterday
                try (Connection c = DriverManager.getConnection(stores.url(KLK), "sa", "");
                     PreparedStatement del = c.prepareStatement("DELETE FROM ventas WHERE fecha_hora >= ? AND fecha_hora < ?")) {
                    del.setObject(1, YESTERDAY.atStartOfDay());
                    del.setObject(2, TODAY.atStartOfDay());
                    assertThat(del.executeUpdate()).isEqualTo((int) held.rows());
                }

                KlkRunRecord scheduled = sync(app, t, clock, true);
                assertThat(scheduled.status()).isEqualTo("SUCCEEDED");
                assertThat(scheduled.detail()).contains(KLK + " " + YESTERDAY + ": 0 rows (suspect: the source returned no"
                        + " row for a day DuckDB holds " + held.rows() + " rows of");
                assertThat(duck.totals(KLK, YESTERDAY)).isEqualTo(held);
                StoreDayRecord day = day(app);
                assertThat(day.rows()).isEqualTo(held.rows());
                assertThat(day.note()).startsWith("suspect: ");

                KlkRunRecord manual = sync(app, t, clock, false);
                assertThat(manual.status()).isEqualTo("SUCCEEDED");
                assertThat(manual.detail()).contains(KLK + " " + YESTERDAY + ": 0 rows (replaced the " + held.rows()
                        + " rows DuckDB held with none (manual sync))");
                assertThat(duck.totals(KLK, YESTERDAY).rows()).isZero();
                assertThat(day(app).rows()).isZero();
            }
        }
    }

    static KlkRunRecord sync(Services app, ProducerTemplate t, MutableClock clock, boolean scheduled) {
        clock.advance(java.time.Duration.ofMinutes(30));
        Map<?, ?> body = scheduled
                ? t.requestBodyAndHeader("direct:klk-sales", null, KlkRoute.SCHEDULED_FIRE_TIME, Date.from(clock.instant()),
                        Map.class)
                : t.requestBody("direct:klk-sales", null, Map.class);
        long id = ((Number) body.get("id")).longValue();
        return app.ledger().recentKlkRuns("klk-sales", 10).stream().filter(r -> r.id() == id).findFirst().orElseThrow();
    }

    static StoreDayRecord day(Services app) {
        return app.ledger().storeDays().stream().filter(d -> d.storeId().equals(KLK) && d.businessDate().equals(YESTERDAY))
                .findFirst().orElseThrow();
    }
}
