package io.fluxion.orchestrator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.Services;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import io.fluxion.orchestrator.testing.TestClocks;
import io.fluxion.orchestrator.window.Sleeper;
import io.fluxion.orchestrator.window.StartupRecovery;
import io.fluxion.orchestrator.window.WindowService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Missed starts, recovery of failed days and per-store retries (SPEC 2.1, 2.5), with the real service
 * (its start-up recovery route, the window route, H2 TCP stores, DuckDB) and a clock the test moves:
 * the retry wait advances the clock instead of sleeping 20 minutes.
 */
class MissedWindowsTest {
    /** The night of the tests: the window of 2026-11-10 (Caracas) loads business date 2026-11-09. */
    static final LocalDate TODAY = LocalDate.of(2026, 11, 10);
    static final LocalDate YESTERDAY = TODAY.minusDays(1);
    static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03");

    @TempDir
    Path tmp;
    StoreServer stores;
    TcpProxy proxy;
    Path data;
    Map<String, String> props;
    final List<Services> services = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : STORES) {
            stores.createStore(id, false, TODAY.minusDays(10), TODAY.plusDays(1));
        }
        proxy = new TcpProxy(stores.port());
        data = tmp.resolve("data");
        props = Apps.base(data);
        // tienda_02 goes through the proxy: the one that fails on demand
        props.putAll(stores.storeProperties(STORES, "tienda_02", proxy.port()));
        props.put("fluxion.window.recovery-days", "0");
        props.put("fluxion.klk.enabled", "false");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Services s : services) {
            s.close();
        }
        proxy.close();
        stores.close();
    }

    private Services start(MutableClock clock, Sleeper sleeper) throws Exception {
        Map<String, Object> beans = new HashMap<>();
        beans.put(FluxionConfiguration.CLOCK, clock);
        if (sleeper != null) {
            beans.put(FluxionConfiguration.SLEEPER, sleeper);
        }
        Services s = Services.start(props, beans);
        services.add(s);
        return s;
    }

    /** Waits for the start-up check and for the window it may have opened to finish; returns the decision. */
    private static String awaitStartup(Services s) throws InterruptedException {
        StartupRecovery r = s.bean("startupRecovery", StartupRecovery.class);
        Services.await("the start-up check", Duration.ofSeconds(30), () -> r.decision() != null);
        WindowService w = s.bean("windowService", WindowService.class);
        Services.await("the window run to finish", Duration.ofSeconds(60),
                () -> w.current().isEmpty() && s.context().getInflightRepository().size() == 0);
        return r.decision();
    }

    private static Optional<RunRecord> lastRun(Ledger l, String kind) {
        return l.recentRuns(50).stream().filter(r -> r.kind().equals(kind)).findFirst();
    }

    private void assertDuckDbHoldsTheSource(List<LocalDate> dates) {
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        long expected = 0;
        for (LocalDate d : dates) {
            for (String id : STORES) {
                assertThat(duck.totals(id, d)).as(id + " " + d).isEqualTo(stores.totals(id, d));
                expected += stores.totals(id, d).rows();
            }
        }
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).as("no other rows, no duplicates").isEqualTo(expected);
    }

    @Test
    void aStartMissedWhileTheAppWasDownRunsWhenItComesBackInsideTheWindow() throws Exception {
        MutableClock clock = MutableClock.caracas(2026, 11, 10, 1, 20).ticking();
        Services s = start(clock, null);

        String decision = awaitStartup(s);

        assertThat(decision).startsWith("catch-up");
        RunRecord run = lastRun(s.ledger(), "catch-up").orElseThrow();
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.businessDates()).containsExactly(YESTERDAY);
        assertThat(s.ledger().isCompleted(YESTERDAY)).isTrue();
        s.close();
        services.clear();
        assertDuckDbHoldsTheSource(List.of(YESTERDAY));
    }

    @Test
    void aStartAfterTheWindowWaitsForTheNextWindow() throws Exception {
        MutableClock clock = MutableClock.caracas(2026, 11, 10, 7, 0).ticking();
        Services s = start(clock, null);

        String decision = awaitStartup(s);

        assertThat(decision).startsWith("nothing to do").contains("next window at 2026-11-11T01:00-04:00");
        assertThat(s.ledger().recentRuns(10)).isEmpty();
        assertThat(data.resolve("fluxion.duckdb")).doesNotExist();
    }

    @Test
    void failedAndMissingDaysOfTheLastWeekAreLoadedOldestFirstInOneWindow() throws Exception {
        props.put("fluxion.window.recovery-days", "7");
        props.put("fluxion.etl.max-attempts", "1");
        // the week before: loaded except 11-04 and 11-06 (never ran) and 11-07 (tienda_02 failed)
        MutableClock earlier = MutableClock.caracas(2026, 11, 9, 12, 0).ticking();
        for (LocalDate d : List.of(TODAY.minusDays(8), TODAY.minusDays(7), TODAY.minusDays(5), TODAY.minusDays(2))) {
            assertThat(Apps.runWindow(props, earlier, "--date", d.toString()).exitCode()).isZero();
        }
        proxy.refuse(true);
        assertThat(Apps.runWindow(props, earlier, "--date", TODAY.minusDays(3).toString()).exitCode()).isEqualTo(1);
        proxy.refuse(false);
        boolean failedDayCompleted = LedgerFile.read(data, l -> l.isCompleted(TODAY.minusDays(3)));
        assertThat(failedDayCompleted).isFalse();

        MutableClock clock = MutableClock.caracas(2026, 11, 10, 1, 20).ticking();
        Services s = start(clock, null);
        assertThat(awaitStartup(s)).startsWith("catch-up");

        RunRecord run = lastRun(s.ledger(), "catch-up").orElseThrow();
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.businessDates()).containsExactly(TODAY.minusDays(6), TODAY.minusDays(4), TODAY.minusDays(3),
                YESTERDAY);
        List<AttemptRecord> attempts = s.ledger().attempts(run.id());
        // oldest first, and of the failed day only the store that failed
        assertThat(attempts).extracting(AttemptRecord::businessDate).isSorted();
        assertThat(attempts.stream().filter(a -> a.businessDate().equals(TODAY.minusDays(3))))
                .extracting(AttemptRecord::storeId).containsExactly("tienda_02");
        assertThat(attempts).hasSize(3 + 3 + 1 + 3).allMatch(a -> a.status().equals("SUCCEEDED"));
        for (int back = 1; back <= 8; back++) {
            assertThat(s.ledger().isCompleted(TODAY.minusDays(back))).as("completed " + TODAY.minusDays(back)).isTrue();
        }
        s.close();
        services.clear();
        List<LocalDate> all = new ArrayList<>();
        for (int back = 8; back >= 1; back--) {
            all.add(TODAY.minusDays(back));
        }
        assertDuckDbHoldsTheSource(all);
    }

    @Test
    void aStoreFailingTwiceIsCompletedByItsThirdAttemptFortyMinutesLater() throws Exception {
        MutableClock clock = MutableClock.caracas(2026, 11, 10, 1, 20).ticking();
        AtomicInteger waits = new AtomicInteger();
        proxy.refuse(true);
        // the retry wait (fluxion.etl.retry-interval, 20m) moves the clock; the store heals before the 3rd attempt
        Sleeper sleeper = d -> {
            clock.advance(d);
            if (waits.incrementAndGet() == 2) {
                proxy.refuse(false);
            }
        };
        Services s = start(clock, sleeper);
        assertThat(awaitStartup(s)).startsWith("catch-up");

        RunRecord run = lastRun(s.ledger(), "catch-up").orElseThrow();
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        List<AttemptRecord> t2 = s.ledger().attempts(run.id()).stream().filter(a -> a.storeId().equals("tienda_02"))
                .toList();
        assertThat(t2).extracting(AttemptRecord::status).containsExactly("FAILED", "FAILED", "SUCCEEDED");
        assertThat(t2).extracting(AttemptRecord::attempt).containsExactly(1, 2, 3);
        assertThat(Duration.between(t2.get(0).startedAt(), t2.get(2).startedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMinutes(40)).isLessThan(Duration.ofMinutes(41));
        assertThat(waits.get()).isEqualTo(2);
        assertThat(s.ledger().isCompleted(YESTERDAY)).isTrue();
        s.close();
        services.clear();
        assertDuckDbHoldsTheSource(List.of(YESTERDAY));
    }

    @Test
    void aStoreFailingThreeTimesLeavesTheDateOpenAndTheNextNightRecoversIt() throws Exception {
        props.put("fluxion.window.recovery-days", "1");
        MutableClock clock = MutableClock.caracas(2026, 11, 10, 1, 20).ticking();
        proxy.refuse(true);
        Services s = start(clock, clock::advance);
        assertThat(awaitStartup(s)).startsWith("catch-up");

        RunRecord first = lastRun(s.ledger(), "catch-up").orElseThrow();
        LocalDate before = YESTERDAY.minusDays(1);
        assertThat(first.businessDates()).containsExactly(before, YESTERDAY);
        assertThat(first.status()).isEqualTo("FAILED");
        assertThat(first.reason()).contains("tienda_02 " + YESTERDAY);
        assertThat(s.ledger().attempts(first.id()).stream()
                .filter(a -> a.storeId().equals("tienda_02") && a.businessDate().equals(YESTERDAY)))
                .extracting(AttemptRecord::status).containsExactly("FAILED", "FAILED", "FAILED");
        assertThat(s.ledger().isCompleted(YESTERDAY)).isFalse();

        // the next night the store is back; the scheduled window (what the Quartz trigger sends) recovers the
        // date, and only its failed store; 11-08 is now older than fluxion.window.recovery-days and stays open
        proxy.refuse(false);
        clock.set(ZonedDateTime.of(TODAY.plusDays(1).atTime(1, 0), TestClocks.CARACAS).toInstant());
        s.context().createProducerTemplate().sendBodyAndHeader("direct:window", null, WindowService.KIND, "scheduled");

        RunRecord next = lastRun(s.ledger(), "scheduled").orElseThrow();
        assertThat(next.status()).isEqualTo("SUCCEEDED");
        assertThat(next.businessDates()).containsExactly(YESTERDAY, TODAY);
        assertThat(s.ledger().attempts(next.id()).stream().filter(a -> a.businessDate().equals(YESTERDAY)))
                .extracting(AttemptRecord::storeId).containsExactly("tienda_02");
        assertThat(s.ledger().isCompleted(YESTERDAY)).isTrue();
        assertThat(s.ledger().isCompleted(TODAY)).isTrue();
        assertThat(s.ledger().isCompleted(before)).isFalse();
        s.close();
        services.clear();
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        for (LocalDate d : List.of(YESTERDAY, TODAY)) {
            for (String id : STORES) {
                assertThat(duck.totals(id, d)).as(id + " " + d).isEqualTo(stores.totals(id, d));
            }
        }
        assertThat(duck.totals("tienda_02", before).rows()).isZero();
    }

    @Test
    void runWindowClosesTheRunsADeadProcessLeftOpenBeforeItsOwnWindow() {
        // what a process killed in the middle of tienda_02 leaves in the ledger
        java.time.Instant t = ZonedDateTime.of(TODAY.atTime(1, 5), TestClocks.CARACAS).toInstant();
        long dead = LedgerFile.read(data, l -> {
            l.migrate();
            long id = l.startRun("scheduled", "scheduled", List.of(YESTERDAY), STORES, "none", t);
            l.backendState(id, "STOPPED", t);
            long a1 = l.attemptStarted(id, "tienda_01", YESTERDAY, 1, t);
            l.attemptSucceeded(a1, id, "tienda_01", YESTERDAY, 10, java.math.BigDecimal.TEN, t);
            l.attemptStarted(id, "tienda_02", YESTERDAY, 1, t);
            return id;
        });

        Apps.WindowResult r = Apps.runWindow(props, MutableClock.caracas(2026, 11, 10, 9, 0).ticking(),
                "--date", YESTERDAY.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("closed run(s) [#" + dead + "] left open by a process that died")
                .contains("tienda_02 " + YESTERDAY).contains("tienda_03 " + YESTERDAY);
        RunRecord closed = LedgerFile.read(data, l -> l.run(dead).orElseThrow());
        assertThat(closed.status()).isEqualTo("FAILED");
        assertThat(closed.reason()).startsWith("interrupted: the process stopped during the run (backend STOPPED)");
        List<AttemptRecord> attempts = LedgerFile.read(data, l -> l.attempts(dead));
        assertThat(attempts).extracting(AttemptRecord::status).containsExactly("SUCCEEDED", "FAILED");
        assertDuckDbHoldsTheSource(List.of(YESTERDAY));
    }

    @Test
    void noStoreStartsAfterTheDeadlineSoTheBackendIsBackBeforeTheWindowEnds() throws Exception {
        MutableClock clock = MutableClock.caracas(2026, 11, 10, 7, 0).ticking();
        // the run deadline of a run that keeps the backend down for its whole pull (staged cuts its pulls at the
        // stage deadline, before it: StagedStrategyTest)
        props.put("fluxion.window.strategy", "stop-first");
        Services s = start(clock, null);
        assertThat(awaitStartup(s)).startsWith("nothing to do");
        // the deadline is 06:00 minus fluxion.backend.start-timeout (5m) = 05:55; tienda_02 never answers its
        // chunk query: it is given up at the deadline, after which no store starts (the window's connectivity probe,
        // the next connection, answers)
        proxy.faultsFrom(proxy.connections() + 2);
        proxy.stallAfterRequestBytes(800);
        clock.set(ZonedDateTime.of(TODAY.atTime(5, 54, 55), TestClocks.CARACAS).toInstant());
        s.context().createProducerTemplate().sendBodyAndHeader("direct:window", null, WindowService.KIND, "scheduled");

        RunRecord run = lastRun(s.ledger(), "scheduled").orElseThrow();
        assertThat(run.status()).isEqualTo("FAILED");
        List<AttemptRecord> attempts = s.ledger().attempts(run.id());
        assertThat(attempts).filteredOn(a -> a.storeId().equals("tienda_01")).extracting(AttemptRecord::status)
                .containsExactly("SUCCEEDED");
        assertThat(attempts).filteredOn(a -> a.storeId().equals("tienda_02")).singleElement()
                .satisfies(a -> assertThat(a.error()).contains("reached the run deadline"));
        // started after 05:55: recorded failed with the reason, nothing pulled, and no retry after the deadline
        assertThat(attempts).filteredOn(a -> a.storeId().equals("tienda_03")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo("FAILED");
            assertThat(a.error()).isEqualTo("deadline reached before this store started");
            assertThat(a.startedAt()).isAfter(ZonedDateTime.of(TODAY.atTime(5, 55), TestClocks.CARACAS).toInstant());
        });
        assertThat(run.backendState()).isEqualTo("STARTED");
        s.close();
        services.clear();
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        assertThat(duck.totals("tienda_03", YESTERDAY).rows()).isZero();
        assertThat(duck.totals("tienda_01", YESTERDAY)).isEqualTo(stores.totals("tienda_01", YESTERDAY));
    }
}
