package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.window.StoreProgress;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WorkItem;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /maintenance-status} without a server: the seed's fields and formats at fixed clocks through one night
 * (before, pending, running with its estimate, completed, disabled, after), over a real ledger (H2 in memory).
 */
class MaintenanceStatusTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    JdbcConnectionPool pool;
    Ledger ledger;
    MutableClock clock;
    FluxionConfig config;
    WindowRun active;
    boolean follower;
    MaintenanceStatus status;

    @BeforeEach
    void setUp() {
        pool = JdbcConnectionPool.create("jdbc:h2:mem:ms-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        ledger = new Ledger(pool);
        ledger.migrate();
        // the seed's rule is stop-first's (maintenance for the whole run); staged: its own test below
        Map<String, String> p = Map.of("fluxion.demo.enabled", "false", "fluxion.data-dir", "target/ms-unused",
                "fluxion.window.strategy", "stop-first");
        config = FluxionConfig.load(p::get, p.keySet());
        clock = MutableClock.caracas(2026, 11, 21, 0, 30);
        status = new MaintenanceStatus(config, clock, ledger, new MaintenanceStatus.Runs() {
            @Override
            public Optional<WindowRun> current() {
                return Optional.ofNullable(active);
            }

            @Override
            public int awaitingRetry(WindowRun run) {
                return 0;
            }

            @Override
            public boolean follower() {
                return follower;
            }
        }, new SchedulerSettings(config, ledger, clock, null));
    }

    @AfterEach
    void tearDown() {
        pool.dispose();
    }

    @Test
    void beforeTheWindowTheSystemIsOperationalInTheSeedsFormats() {
        MaintenanceStatus.Answer a = status.status();
        assertThat(a.isMaintenance()).isFalse();
        assertThat(a.currentTime()).isEqualTo("00:30:00");
        assertThat(a.maintenanceWindow()).isEqualTo("1:00 AM - 6:00 AM");
        assertThat(a.timezone()).isEqualTo("America/Caracas (UTC-4)");
        assertThat(a.estimatedEndTime()).isEqualTo("6:00 AM");
        assertThat(a.minutesRemaining()).isZero();
        assertThat(a.message()).isEqualTo("Sistema operativo");
        assertThat(a.phase()).isEqualTo("operational");
        assertThat(a.businessDate()).isEqualTo(D);
        assertThat(a.nextWindowStart()).isEqualTo("2026-11-21T01:00:00-04:00");
        assertThat(a.serverTime()).isEqualTo("2026-11-21T00:30:00-04:00");
        assertThat(a.progress()).isNull();
    }

    @Test
    void insideTheWindowBeforeTheRunItIsMaintenanceUntilTheWindowEnd() {
        clock.setCaracas(2026, 11, 21, 1, 30);
        MaintenanceStatus.Answer a = status.status();
        assertThat(a.isMaintenance()).isTrue();
        assertThat(a.phase()).isEqualTo("pending");
        assertThat(a.minutesRemaining()).isEqualTo(270);
        assertThat(a.estimatedEndTime()).isEqualTo("6:00 AM");
        assertThat(a.message()).isEqualTo("Estamos recolectando la data. Sistema disponible después de las 6:00 AM");
        assertThat(a.nextWindowStart()).isEqualTo("2026-11-22T01:00:00-04:00");
    }

    @Test
    void duringARunTheEstimateFollowsTheShareOfStoreLoadsDone() {
        Instant start = at(1, 0);
        List<WorkItem> items = List.of(new WorkItem("t1", D), new WorkItem("t2", D), new WorkItem("t3", D));
        Map<String, StoreProgress> progress = new LinkedHashMap<>();
        for (WorkItem w : items) {
            progress.put(w.key(), new StoreProgress(w.storeId(), w.storeId(), D, null));
        }
        active = new WindowRun(7, "scheduled", List.of(D), items, progress, start, at(5, 55));
        progress.get(items.get(0).key()).started(start);
        progress.get(items.get(0).key()).succeeded(100, start.plus(Duration.ofMinutes(4)));
        progress.get(items.get(1).key()).started(start);
        progress.get(items.get(1).key()).failed("refused", start.plus(Duration.ofMinutes(5)));
        clock.setCaracas(2026, 11, 21, 1, 10);

        MaintenanceStatus.Answer a = status.status();
        assertThat(a.isMaintenance()).isTrue();
        assertThat(a.phase()).isEqualTo("running");
        // 2 of 3 store loads done in 10 minutes: 5 more
        assertThat(a.estimatedEndTime()).isEqualTo("1:15 AM");
        assertThat(a.minutesRemaining()).isEqualTo(5);
        assertThat(a.message()).endsWith("1:15 AM");
        assertThat(a.progress()).isEqualTo(new MaintenanceStatus.Progress(7, "scheduled", 3, 2, 100, 66.7));

        // a manual run at noon with no estimate yet: it ends by its deadline
        progress.values().forEach(p -> p.started(start));
        clock.setCaracas(2026, 11, 21, 12, 0);
        active = new WindowRun(8, "manual", List.of(D), items, progress, clock.instant(), at(16, 0));
        a = status.status();
        assertThat(a.isMaintenance()).isTrue();
        assertThat(a.estimatedEndTime()).isEqualTo("4:00 PM");
        assertThat(a.minutesRemaining()).isEqualTo(240);
    }

    @Test
    void afterTonightsRunOrWithTheDateCompletedItIsNoLongerMaintenance() {
        long run = ledger.startRun("scheduled", "test", List.of(D), List.of("t1"), "none", at(1, 0));
        ledger.finishRun(run, "SUCCEEDED", null, 1, 1, 0, 10, at(1, 20));
        clock.setCaracas(2026, 11, 21, 1, 30);
        MaintenanceStatus.Answer a = status.status();
        assertThat(a.isMaintenance()).isFalse();
        assertThat(a.phase()).isEqualTo("completed");
        assertThat(a.message()).isEqualTo("Sistema operativo");
        assertThat(a.minutesRemaining()).isZero();

        // the next night: pending until the date is completed (by any run, even one of the day before)
        clock.setCaracas(2026, 11, 22, 2, 0);
        assertThat(status.status().phase()).isEqualTo("pending");
        ledger.businessDay(D.plusDays(1), true, run, 1, 1, at(1, 20));
        assertThat(status.status().phase()).isEqualTo("completed");
    }

    @Test
    void withTheWindowDisabledNothingIsMaintenanceAndAfterTheWindowItIsOperational() {
        clock.setCaracas(2026, 11, 21, 1, 30);
        new SchedulerSettings(config, ledger, clock, null).enabled(false);
        MaintenanceStatus.Answer a = status.status();
        assertThat(a.isMaintenance()).isFalse();
        assertThat(a.phase()).isEqualTo("disabled");

        clock.setCaracas(2026, 11, 21, 6, 0);
        assertThat(status.status().phase()).isEqualTo("operational");
        assertThat(status.status().currentTime()).isEqualTo("06:00:00");
    }

    /**
     * Strategy staged: the backend serves while the run stages, so maintenance only from its stop to its start (the
     * merge); inside the window hours before tonight's run stops it, it serves too.
     */
    @Test
    void withTheStagedStrategyItIsMaintenanceOnlyWhileARunHasTheBackendDown() {
        Map<String, String> p = Map.of("fluxion.demo.enabled", "false", "fluxion.data-dir", "target/ms-unused",
                "fluxion.window.strategy", "staged");
        FluxionConfig staged = FluxionConfig.load(p::get, p.keySet());
        MaintenanceStatus s = new MaintenanceStatus(staged, clock, ledger, new MaintenanceStatus.Runs() {
            @Override
            public Optional<WindowRun> current() {
                return Optional.ofNullable(active);
            }

            @Override
            public int awaitingRetry(WindowRun run) {
                return 0;
            }
        }, new SchedulerSettings(staged, ledger, clock, null));
        clock.setCaracas(2026, 11, 21, 1, 0);
        assertThat(s.status().isMaintenance()).as("inside the hours, before the run").isFalse();
        assertThat(s.status().phase()).isEqualTo("pending");

        List<WorkItem> items = List.of(new WorkItem("t1", D));
        Map<String, StoreProgress> progress = new LinkedHashMap<>();
        progress.put(items.get(0).key(), new StoreProgress("t1", "t1", D, null));
        active = new WindowRun(9, "scheduled", List.of(D), items, progress, at(1, 0), at(5, 55));
        active.staged(true);
        clock.setCaracas(2026, 11, 21, 1, 20);
        MaintenanceStatus.Answer a = s.status();
        assertThat(a.isMaintenance()).isFalse();
        assertThat(a.phase()).isEqualTo("staging");
        assertThat(a.message()).isEqualTo("Sistema operativo");

        active.backendDown(true);
        a = s.status();
        assertThat(a.isMaintenance()).isTrue();
        assertThat(a.phase()).isEqualTo("merging");
        assertThat(a.message()).startsWith("Estamos recolectando la data.");

        active.backendDown(false);
        assertThat(s.status().isMaintenance()).as("started again, a second round stages").isFalse();
    }

    @Test
    void offsetsAreWrittenAsTheSeedWritesThem() {
        assertThat(MaintenanceStatus.utcOffset(ZoneOffset.ofHours(-4))).isEqualTo("UTC-4");
        assertThat(MaintenanceStatus.utcOffset(ZoneOffset.ofHoursMinutes(5, 30))).isEqualTo("UTC+5:30");
        assertThat(MaintenanceStatus.utcOffset(ZoneOffset.UTC)).isEqualTo("UTC+0");
    }

    /**
     * Two instances (SPEC 2.8): the follower has no run in memory; the leader's open run, in the shared ledger, makes
     * it answer "running" with the progress of the leader's attempts, even outside the window hours (an operator's
     * run), like the leader itself.
     */
    @Test
    void aFollowerAnswersTheLeadersRunFromTheLedger() {
        clock.setCaracas(2026, 11, 21, 14, 0); // an operator's run in the afternoon
        long run = ledger.startRun("manual", "api", List.of(D), List.of("t1", "t2", "t3", "t4"), "ecs", clock.instant());
        long a1 = ledger.attemptStarted(run, "t1", D, 1, clock.instant());
        ledger.attemptSucceeded(a1, run, "t1", D, 120, java.math.BigDecimal.TEN, clock.instant());
        long a2 = ledger.attemptStarted(run, "t2", D, 1, clock.instant());
        ledger.attemptFailed(a2, run, "t2", D, 0, "refused", clock.instant());
        ledger.attemptStarted(run, "t3", D, 1, clock.instant());

        assertThat(status.status().phase()).as("one instance: its own memory says no run").isEqualTo("operational");
        follower = true;
        MaintenanceStatus.Answer a = status.status();
        assertThat(a.isMaintenance()).isTrue();
        assertThat(a.phase()).isEqualTo("running");
        assertThat(a.progress()).isEqualTo(new MaintenanceStatus.Progress(run, "manual", 4, 2, 120, 50.0));

        ledger.finishRun(run, "FAILED", "done", 4, 1, 3, 120, clock.instant());
        assertThat(status.status().phase()).isEqualTo("operational");
        assertThat(status.status().progress()).isNull();
    }

    static Instant at(int hour, int minute) {
        return D.plusDays(1).atTime(hour, minute).atZone(java.time.ZoneId.of("America/Caracas")).toInstant();
    }

}
