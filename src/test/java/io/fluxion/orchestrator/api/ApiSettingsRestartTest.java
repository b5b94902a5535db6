package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.schedule.WindowClock;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Trigger;

/**
 * Settings changed through PUT /api/etl/scheduler/config live in the ledger and survive a restart (the
 * Quartz trigger starts at the saved time); with no token configured the mutating routes refuse with
 * a message naming FLUXION_API_TOKEN.
 */
class ApiSettingsRestartTest {
    static final String TOKEN = "restart-token-42-0123456789abcdef0123";

    @TempDir
    Path tmp;

    @Test
    void savedSettingsSurviveARestartAndWithoutATokenChangesAreRefused() throws Exception {
        LocalDate d = LocalDate.of(2026, 11, 20);
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"))) {
            stores.createStore("tienda_01", false, d, d);
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            // no 30-minute KLK sync may take the DuckDB writer while a test triggers a window
            props.put("fluxion.klk.enabled", "false");
            props.putAll(stores.storeProperties(List.of("tienda_01")));
            MutableClock clock = MutableClock.caracas(2026, 11, 21, 12, 0);

            Map<String, String> withToken = new java.util.HashMap<>(props);
            withToken.put("fluxion.api.token", TOKEN);
            try (HttpApp app = HttpApp.start(withToken, Map.of(FluxionConfiguration.CLOCK, clock))) {
                HttpApp.Resp r = app.send("PUT", "/api/etl/scheduler/config", "{\"hour\": 3, \"minute\": 15,"
                        + " \"max_retries\": 5, \"retry_interval_minutes\": 7, \"enabled\": false}", TOKEN);
                assertThat(r.status()).as(r.text()).isEqualTo(200);
                // the window hours (deadline, start-up recovery, KLK skip) follow the trigger at once
                assertThat(app.context().getRegistry().lookupByNameAndType("windowClock", WindowClock.class)
                        .window().start()).isEqualTo(LocalTime.of(3, 15));
            }

            // restarted without a token
            try (HttpApp app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock))) {
                JsonNode cfg = app.get("/api/etl/scheduler/status").json().get("config");
                assertThat(cfg.get("hour").intValue()).isEqualTo(3);
                assertThat(cfg.get("minute").intValue()).isEqualTo(15);
                assertThat(cfg.get("max_retries").intValue()).isEqualTo(5);
                assertThat(cfg.get("retry_interval_minutes").intValue()).isEqualTo(7);
                assertThat(cfg.get("enabled").booleanValue()).isFalse();
                assertThat(app.context().getRegistry().lookupByNameAndType("windowClock", WindowClock.class)
                        .window().start()).isEqualTo(LocalTime.of(3, 15));
                assertThat(app.window().maxAttempts()).isEqualTo(5);
                assertThat(app.window().retryInterval()).hasMinutes(7);
                assertThat(app.window().isEnabled()).isFalse();

                QuartzEndpoint q = (QuartzEndpoint) app.context().getRoute("nightly-window").getEndpoint();
                Trigger t = q.getComponent().getScheduler().getTrigger(q.getTriggerKey());
                ZonedDateTime next = t.getNextFireTime().toInstant().atZone(ZoneId.of("America/Caracas"));
                assertThat(next.getHour()).isEqualTo(3);
                assertThat(next.getMinute()).isEqualTo(15);
                assertThat(app.get("/maintenance-status").json().get("maintenance_window").textValue())
                        .isEqualTo("3:15 AM - 6:00 AM");

                String before = app.ledger().recentRuns(100) + "|" + app.ledger().setting("window.enabled");
                for (String[] m : List.of(new String[] {"POST", "/api/etl/scheduler/enable"},
                        new String[] {"POST", "/api/etl/scheduler/trigger"},
                        new String[] {"PUT", "/api/etl/scheduler/config"},
                        new String[] {"POST", "/api/etl/sync/ventas"},
                        new String[] {"POST", "/trigger"})) {
                    HttpApp.Resp r = app.send(m[0], m[1], "{}", "anything");
                    assertThat(r.status()).as(m[1]).isEqualTo(503);
                    assertThat(r.json().get("error").textValue()).contains("FLUXION_API_TOKEN");
                }
                assertThat(app.ledger().recentRuns(100) + "|" + app.ledger().setting("window.enabled")).isEqualTo(before);
                assertThat(app.get("/maintenance-status").status()).isEqualTo(200);
            }
        }
    }
}
