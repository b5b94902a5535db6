package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.Services;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import io.fluxion.orchestrator.testing.TestClocks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.JobKey;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The window's hours and its deadline are hard (issue 13, items 6 and 7), with the real service (routes, Quartz,
 * the real AWS SDK against {@link EcsTestServer}, H2 TCP stores, DuckDB) and a clock the test sets:
 * a scheduled or catch-up fire outside the window hours never stops the backend and is recorded as skipped;
 * a chunk whose source accepted the query and never answers (a {@link TcpProxy} holding the answer) is given up
 * at the store timeout or at the run deadline, never redelivered, rolled back, and the backend is started in time.
 */
class WindowHoursAndDeadlineTest {
    static final LocalDate TODAY = LocalDate.of(2026, 11, 10);
    static final LocalDate YESTERDAY = TODAY.minusDays(1);
    /** Client bytes of an H2 login through the proxy are fewer than this; the chunk query takes them past it. */
    static final long AFTER_LOGIN = 800;

    @TempDir
    Path tmp;
    StoreServer stores;
    TcpProxy proxy;
    EcsTestServer ecs;
    Path data;
    Map<String, String> props;
    Services app;
    EcsClient client;

    @BeforeEach
    void setUp() throws Exception {
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : List.of("tienda_02", "tienda_03")) {
            stores.createStore(id, false, YESTERDAY, YESTERDAY);
        }
        proxy = new TcpProxy(stores.port());
        ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1);
        data = tmp.resolve("data");
        props = Apps.base(data);
        // the run deadline with the backend down for the whole pull (staged cuts the pull at its stage deadline,
        // StagedStrategyTest)
        props.put("fluxion.window.strategy", "stop-first");
        // tienda_02 (through the proxy) first, then tienda_03
        props.putAll(stores.storeProperties(List.of("tienda_02", "tienda_03"), "tienda_02", proxy.port()));
        props.putAll(ecs.properties());
        props.put("fluxion.window.start", "01:00");
        props.put("fluxion.window.end", "06:00");
        props.put("fluxion.window.zone", "America/Caracas");
        props.put("fluxion.window.recovery-days", "0");
        props.put("fluxion.klk.enabled", "false");
        props.put("fluxion.etl.max-attempts", "1");
        props.put("fluxion.backend.start-timeout", "1m");
    }

    @AfterEach
    void tearDown() {
        if (app != null) {
            app.close();
        }
        if (client != null) {
            client.close();
        }
        proxy.stallAfterRequestBytes(-1);
        try {
            proxy.close();
        } catch (Exception e) {
            // closed
        }
        ecs.close();
        stores.close();
    }

    private Services start(MutableClock clock) {
        client = ecs.client(true);
        app = Services.start(props, Map.of(FluxionConfiguration.CLOCK, clock, "ecsClient", client));
        return app;
    }

    private RunRecord lastRun() {
        return app.ledger().recentRuns(1).get(0);
    }

    private static Instant caracas(int hour, int minute, int second) {
        return ZonedDateTime.of(TODAY.atTime(hour, minute, second), TestClocks.CARACAS).toInstant();
    }

    @Test
    void aScheduledFireOutsideTheWindowHoursNeverStopsTheBackendAndIsRecordedAsSkipped() throws Exception {
        MutableClock clock = new MutableClock(caracas(13, 5, 0)).ticking();
        // this test fires the real Quartz job, so the scheduler must run (test apps with a clock keep it off)
        props.put("camel.component.quartz.autoStartScheduler", "true");
        start(clock);
        ecs.clearCalls();

        // what a misfire delivers after a long pause: the nightly trigger, once, in the middle of the day
        QuartzComponent quartz = app.context().getComponent("quartz", QuartzComponent.class);
        quartz.getScheduler().triggerJob(JobKey.jobKey("nightly-window", "fluxion"));
        Services.await("the fire to be recorded", Duration.ofSeconds(30), () -> !app.ledger().recentRuns(1).isEmpty());

        RunRecord skipped = lastRun();
        assertThat(skipped.kind()).isEqualTo("scheduled");
        assertThat(skipped.status()).isEqualTo("SKIPPED");
        assertThat(skipped.reason()).startsWith("scheduled run outside the window hours (01:00-06:00 America/Caracas")
                .contains("never started outside them");
        assertThat(skipped.backendState()).isEqualTo("UNTOUCHED");

        // a late catch-up (the start-up decision taken at 05:59, opened at 06:00) is refused the same way
        app.context().createProducerTemplate().sendBodyAndHeader("direct:window", null, WindowService.KIND, "catch-up");
        assertThat(lastRun().status()).isEqualTo("SKIPPED");
        assertThat(lastRun().reason()).startsWith("catch-up run outside the window hours");

        // inside the hours but after the deadline (06:00 minus the 1m start-timeout): no store could load
        clock.set(caracas(5, 59, 30));
        Map<String, Object> headers = new HashMap<>();
        headers.put(WindowService.KIND, "scheduled");
        headers.put("scheduledFireTime", Date.from(caracas(1, 0, 0)));
        app.context().createProducerTemplate().sendBodyAndHeaders("direct:window", null, headers);
        assertThat(lastRun().status()).isEqualTo("SKIPPED");
        assertThat(lastRun().reason()).startsWith("scheduled run after the run deadline")
                .contains("scheduled for 2026-11-10T01:00-04:00");

        assertThat(ecs.calls()).as("the backend was never touched").isEmpty();
        assertThat(data.resolve("fluxion.duckdb")).doesNotExist();
        assertThat(app.ledger().recentRuns(10)).allMatch(r -> r.status().equals("SKIPPED"));
    }

    @Test
    void aChunkThatNeverAnswersIsGivenUpAtTheRunDeadlineAndTheBackendIsStartedBeforeTheWindowEnds() throws Exception {
        MutableClock clock = new MutableClock(caracas(12, 0, 0)).ticking();
        start(clock);
        ecs.clearCalls();
        // the connectivity probe at the window start (connection 1) answers; the chunk's connection stalls
        proxy.faultsFrom(2);
        proxy.stallAfterRequestBytes(AFTER_LOGIN);
        // the run deadline is 05:59 (06:00 minus fluxion.backend.start-timeout 1m): 3 s from now
        clock.set(caracas(5, 58, 57));
        CompletableFuture<Void> window = CompletableFuture.runAsync(() -> app.context().createProducerTemplate()
                .sendBodyAndHeader("direct:window", null, WindowService.KIND, "scheduled"));

        window.get(60, TimeUnit.SECONDS);
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        List<AttemptRecord> attempts = app.ledger().attempts(run.id());
        assertThat(attempts).filteredOn(a -> a.storeId().equals("tienda_02")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo("FAILED");
            assertThat(a.error()).startsWith("timeout: store tienda_02 " + YESTERDAY + " reached the run deadline")
                    .contains("the chunk query in flight was given up");
            assertThat(a.endedAt()).isBetween(caracas(5, 59, 0), caracas(5, 59, 10));
        });
        assertThat(attempts).filteredOn(a -> a.storeId().equals("tienda_03")).singleElement()
                .satisfies(a -> assertThat(a.error()).isEqualTo("deadline reached before this store started"));
        assertThat(proxy.connections()).as("the probe, then the timeout was not redelivered").isEqualTo(2);
        // the backend came back before the window ended
        assertThat(run.backendState()).isEqualTo("STARTED");
        assertThat(run.backendStartedAt()).isBefore(caracas(6, 0, 0));
        assertThat(ecs.briefs()).contains("UpdateService(0)", "UpdateService(1)");
        assertThat(ecs.desired()).isEqualTo(1);
        assertThat(ecs.running()).isEqualTo(1);
        assertThat(new DuckDbFile(data.resolve("fluxion.duckdb")).totals("tienda_02", YESTERDAY).rows())
                .as("no half day").isZero();
    }

    @Test
    void aChunkThatNeverAnswersIsGivenUpAtTheStoreTimeoutAndTheOtherStoresGoOn() throws Exception {
        props.put("fluxion.etl.store-timeout", "2s");
        MutableClock clock = new MutableClock(caracas(12, 0, 0)).ticking();
        start(clock);
        // the connectivity probe at the window start (connection 1) answers; the chunk's connection stalls
        proxy.faultsFrom(2);
        proxy.stallAfterRequestBytes(AFTER_LOGIN);
        Map<String, Object> headers = new HashMap<>();
        headers.put(WindowService.KIND, "manual");
        headers.put(WindowService.DATES, List.of(YESTERDAY));
        long t0 = System.nanoTime();
        CompletableFuture<Void> window = CompletableFuture.runAsync(() -> app.context().createProducerTemplate()
                .sendBodyAndHeaders("direct:window", null, headers));

        window.get(60, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        List<AttemptRecord> attempts = app.ledger().attempts(run.id());
        assertThat(attempts).filteredOn(a -> a.storeId().equals("tienda_02")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo("FAILED");
            assertThat(a.error()).startsWith("timeout: store tienda_02 " + YESTERDAY + " reached its timeout of 2s");
            assertThat(Duration.between(a.startedAt(), a.endedAt())).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(8));
        });
        assertThat(attempts).filteredOn(a -> a.storeId().equals("tienda_03")).extracting(AttemptRecord::status)
                .containsExactly("SUCCEEDED");
        assertThat(proxy.connections()).as("the probe, then the timeout was not redelivered").isEqualTo(2);
        assertThat(run.backendState()).isEqualTo("STARTED");
        assertThat(ecs.running()).isEqualTo(1);
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        assertThat(duck.totals("tienda_02", YESTERDAY).rows()).as("no half day").isZero();
        assertThat(duck.totals("tienda_03", YESTERDAY)).isEqualTo(stores.totals("tienda_03", YESTERDAY));
    }
}
