package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.LogCapture;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 4 on the running service through its API: an outage then a sync of 40 days (240 failed store
 * loads) and a sync of a whole year (366 dates) each end FAILED with a bounded, readable reason; the ledger
 * keeps every date and closes the run; nothing stays running, and the next trigger opens a run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LongFailureListTest {
    static final String TOKEN = "long-failure-list-token-0123456789abcdef";
    static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03", "tienda_04", "tienda_05",
            "tienda_06");
    /** Outside the window hours: the start-up recovery has nothing to do. */
    static final LocalDate YESTERDAY = LocalDate.of(2026, 11, 23);

    @TempDir
    static Path tmp;
    static StoreServer stores;
    static TcpProxy proxy;
    static HttpApp app;

    @BeforeAll
    static void start() throws Exception {
        stores = StoreServer.start(tmp.resolve("stores"));
        // every store behind a proxy that closes each connection at once: each load fails in milliseconds
        proxy = new TcpProxy(stores.port());
        proxy.refuse(true);
        Map<String, Integer> ports = new LinkedHashMap<>();
        STORES.forEach(id -> ports.put(id, proxy.port()));
        Map<String, String> props = Apps.base(tmp.resolve("data"));
        props.putAll(stores.storeProperties(ports, "legacy"));
        props.put("fluxion.etl.redeliveries", "0");
        props.put("fluxion.etl.max-attempts", "1");
        props.put("fluxion.klk.enabled", "false");
        props.put("fluxion.api.token", TOKEN);
        // no nightly trigger may fire at the real 01:00 while this test runs
        props.put("camel.component.quartz.autoStartScheduler", "false");
        MutableClock clock = MutableClock.caracas(2026, 11, 24, 12, 0).ticking();
        app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        proxy.close();
        stores.close();
    }

    /** POST /api/etl/sync/ventas for [from, to] (every store when {@code store} is null); waits for the run's end. */
    static long sync(String store, LocalDate from, LocalDate to) {
        HttpApp.Resp r = app.send("POST", "/api/etl/sync/ventas", "{\"ubicacion_id\": " + (store == null ? "null"
                : "\"" + store + "\"") + ", \"fecha_inicio\": \"" + from + "\", \"fecha_fin\": \"" + to + "\"}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        long id = r.json().get("run_id").asLong();
        app.awaitIdle(Duration.ofMinutes(2));
        return id;
    }

    static void assertNothingRunning() {
        assertThat(app.window().current()).isEmpty();
        assertThat(app.ledger().openRuns()).isEmpty();
        JsonNode status = app.get("/api/etl/scheduler/status").json();
        assertThat(status.get("is_running").asBoolean()).isFalse();
    }

    @Test
    @Order(1)
    void twoHundredFortyFailedStoreLoadsEndTheRunWithASummarisedReason() {
        try (LogCapture log = new LogCapture()) {
            long id = sync(null, YESTERDAY.minusDays(39), YESTERDAY);

            RunRecord run = app.ledger().run(id).orElseThrow();
            assertThat(run.status()).isEqualTo("FAILED");
            assertThat(run.endedAt()).isNotNull();
            assertThat(run.storesTotal()).isEqualTo(240);
            assertThat(run.storesFailed()).isEqualTo(240);
            assertThat(run.reason()).startsWith("240 of 240 store loads failed: tienda_01 " + YESTERDAY.minusDays(39) + ", ")
                    .endsWith(", ... and 230 more").hasSizeLessThan(400);
            assertThat(run.businessDates()).hasSize(40).startsWith(YESTERDAY.minusDays(39)).endsWith(YESTERDAY);
            assertThat(app.ledger().attempts(id)).hasSize(240).allMatch(a -> "FAILED".equals(a.status()));
            assertThat(app.window().lastSummary()).get().satisfies(s -> {
                assertThat(s.runId()).isEqualTo(id);
                assertThat(s.status()).isEqualTo("FAILED");
                assertThat(s.reason()).isEqualTo(run.reason());
                // the summary block prints at most 100 lines and says where the rest is
                assertThat(s.toText().lines().count()).isLessThan(110);
                assertThat(s.toText()).contains("... and 140 more store loads not shown");
            });
            assertThat(log.lines("WARN")).anyMatch(l -> l.contains("Window run #" + id + " (manual) FAILED: 240 of 240"));
            assertNothingRunning();
        }
    }

    @Test
    @Order(2)
    void aYearLongRangeIsRecordedWholeAndEndsTheRun() {
        LocalDate from = YESTERDAY.minusDays(365);
        long id = sync("tienda_03", from, YESTERDAY);

        RunRecord run = app.ledger().run(id).orElseThrow();
        assertThat(run.status()).isEqualTo("FAILED");
        // read back as recovery reads it: every one of the 366 dates
        assertThat(run.businessDates()).hasSize(366).startsWith(from).endsWith(YESTERDAY);
        assertThat(run.storeIds()).isEqualTo("tienda_03");
        assertThat(run.storesTotal()).isEqualTo(366);
        assertThat(run.reason()).startsWith("366 of 366 store loads failed: tienda_03 " + from + ", tienda_03 "
                + from.plusDays(1) + ", ").endsWith("... and 356 more");
        StepRecord guard = app.ledger().steps(id).stream().filter(s -> s.step().equals("guard")).findFirst().orElseThrow();
        assertThat(guard.detail()).contains("dates " + from + ".." + YESTERDAY + " (366 dates)").hasSizeLessThan(300);
        assertThat(app.ledger().steps(id)).extracting(StepRecord::step).contains("summary");
        assertNothingRunning();
    }

    @Test
    @Order(3)
    void theNextTriggerOpensARun() {
        long before = app.ledger().recentRuns(1).get(0).id();
        HttpApp.Resp r = app.send("POST", "/trigger", "{\"target_date\": \"" + YESTERDAY + "\"}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(r.json().get("run_id").asLong()).isGreaterThan(before);
        app.awaitIdle(Duration.ofMinutes(1));
        RunRecord run = app.ledger().run(r.json().get("run_id").asLong()).orElseThrow();
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.reason()).isEqualTo("6 of 6 store loads failed: tienda_01 " + YESTERDAY + ", tienda_02 " + YESTERDAY
                + ", tienda_03 " + YESTERDAY + ", tienda_04 " + YESTERDAY + ", tienda_05 " + YESTERDAY + ", tienda_06 "
                + YESTERDAY);
        assertNothingRunning();
    }
}
