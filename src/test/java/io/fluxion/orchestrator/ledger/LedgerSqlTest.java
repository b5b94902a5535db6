package io.fluxion.orchestrator.ledger;

import io.fluxion.orchestrator.testing.Migrations;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.config.Texts;
import io.fluxion.orchestrator.lifecycle.ProcessOwner;
import io.fluxion.orchestrator.testing.LedgerDatabases;
import io.fluxion.orchestrator.testing.LedgerDatabases.Kind;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every SQL statement of {@link Ledger} on both databases it runs on (the embedded H2 file and a real PostgreSQL
 * server), through the app's pool and migrations: generated ids, FETCH FIRST, instants through TIMESTAMP WITH TIME
 * ZONE (to the microsecond), DATE binding, nulls in INT and BIGINT columns read as Integer and Long, texts of any
 * length and content.
 */
class LedgerSqlTest {
    /** An instant with microseconds: both databases keep them. */
    static final Instant T0 = Instant.parse("2026-11-24T05:00:00.123456Z");
    static final LocalDate D = LocalDate.of(2026, 11, 23);

    @TempDir
    Path tmp;
    HikariDataSource ds;

    @AfterEach
    void close() {
        if (ds != null) {
            ds.close();
        }
    }

    private Ledger ledger(Kind kind) {
        ds = LedgerDatabases.open(kind, tmp);
        Ledger l = new Ledger(ds);
        assertThat(l.migrate()).as("migrations applied to a new ledger").isEqualTo(Migrations.COUNT);
        assertThat(l.migrate()).as("nothing left to apply").isZero();
        l.ping();
        return l;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void runsAndStepsRoundTrip(Kind kind) {
        Ledger l = ledger(kind);
        l.owner(new ProcessOwner("host/1/boot", "/data#a"));
        long id = l.startRun("manual", "api", List.of(D.minusDays(2), D.minusDays(1), D), List.of("t1", "t2"), "ecs", T0);
        long second = l.startRun("scheduled", null, List.of(D), List.of("t1"), "none", T0.plusSeconds(1));
        assertThat(second).isGreaterThan(id);

        RunRecord open = l.run(id).orElseThrow();
        assertThat(open.businessDates()).containsExactly(D.minusDays(2), D.minusDays(1), D);
        assertThat(open.startedAt()).isEqualTo(T0);
        assertThat(open.endedAt()).isNull();
        assertThat(open.storesTotal()).isNull();
        assertThat(open.rowsLoaded()).isNull();
        assertThat(l.openRuns()).extracting(RunRecord::id).containsExactly(id, second);

        l.backendState(id, "STOPPING", T0);
        l.backendState(id, "STOPPED", T0.plusMillis(5));
        l.backendState(id, "STARTED", T0.plusMillis(9));
        l.finishRun(id, "SUCCEEDED", "ok", 2, 2, 0, 5_000_000_000L, T0.plusSeconds(60));
        RunRecord done = l.run(id).orElseThrow();
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.backendState()).isEqualTo("STARTED");
        assertThat(done.backendStoppedAt()).isEqualTo(T0.plusMillis(5));
        assertThat(done.backendStartedAt()).isEqualTo(T0.plusMillis(9));
        assertThat(done.endedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(done.storesTotal()).isEqualTo(2);
        assertThat(done.storesFailed()).isZero();
        assertThat(done.rowsLoaded()).isEqualTo(5_000_000_000L);

        l.runAborted(second, "aborted: SIGTERM", 1, 0, 0, 0);
        assertThat(l.run(second).orElseThrow().status()).isEqualTo("RUNNING");
        long skipped = l.skippedRun("scheduled", "quartz", List.of(D), "window closed", T0.plusSeconds(2));
        assertThat(l.run(skipped).orElseThrow().status()).isEqualTo("SKIPPED");

        assertThat(l.recentRuns(2)).extracting(RunRecord::id).containsExactly(skipped, second);
        assertThat(l.runsSince(T0.plusSeconds(1))).extracting(RunRecord::id).containsExactly(skipped, second);
        assertThat(l.run(9999)).isEmpty();

        // owners: this process's open run is never an orphan; one of a gone process on the same data dir is
        ProcessOwner me = new ProcessOwner("host/2/boot", "/data#a");
        assertThat(l.orphanedRuns(me)).extracting(RunRecord::id).containsExactly(second);
        l.owner(new ProcessOwner("other/3/boot", "/elsewhere#b"));
        long foreign = l.startRun("manual", "api", List.of(D), List.of("t1"), "none", T0);
        assertThat(l.foreignOpenRuns(me)).containsExactly("#" + foreign + " by other/3/boot (/elsewhere#b)");
        assertThat(l.orphanedRuns(me)).extracting(RunRecord::id).doesNotContain(foreign);

        long step = l.stepStarted(id, "guard", T0);
        l.stepEnded(step, "OK", null, T0.plusSeconds(1));
        l.stepStarted(id, "etl", T0.plusSeconds(1));
        assertThat(l.steps(id)).extracting(StepRecord::step, StepRecord::status, StepRecord::endedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("guard", "OK", T0.plusSeconds(1)),
                        org.assertj.core.groups.Tuple.tuple("etl", "RUNNING", null));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void attemptsCoverageAndBusinessDays(Kind kind) {
        Ledger l = ledger(kind);
        long run = l.startRun("manual", "api", List.of(D), List.of("t1", "t2", "t3"), "none", T0);

        long a1 = l.attemptStarted(run, "t1", D, 1, T0);
        l.attemptSucceeded(a1, run, "t1", D, 1200, new BigDecimal("12345.6789"), T0.plusSeconds(3));
        long a2 = l.attemptStarted(run, "t2", D, 1, T0);
        l.attemptFailed(a2, run, "t2", D, 300, "timeout", T0.plusSeconds(4));
        long a3 = l.attemptStarted(run, "t2", D, 2, T0.plusSeconds(5));
        l.attemptFailed(a3, run, "t2", D, 0, "timeout again", T0.plusSeconds(6));
        long a4 = l.attemptStarted(run, "t1", D, 2, T0.plusSeconds(7));
        // a failed reload of a LOADED day keeps the day LOADED with its rows
        l.attemptFailed(a4, run, "t1", D, 10, "refused", T0.plusSeconds(8));
        long a5 = l.attemptStarted(run, "t3", D, 1, T0);
        l.attemptKeptOldRows(a5, run, "t3", D, 77, new BigDecimal("1.5000"), "suspect: no row", T0.plusSeconds(9));
        long a6 = l.attemptStarted(run, "t3", D.minusDays(1), 1, T0);
        assertThat(l.abandonAttempts(run, "process died", T0.plusSeconds(10))).isEqualTo(1);

        List<AttemptRecord> attempts = l.attempts(run);
        assertThat(attempts).extracting(AttemptRecord::status)
                .containsExactly("SUCCEEDED", "FAILED", "FAILED", "FAILED", "SUCCEEDED", "FAILED");
        AttemptRecord first = attempts.get(0);
        assertThat(first.businessDate()).isEqualTo(D);
        assertThat(first.rows()).isEqualTo(1200L);
        assertThat(first.total()).isEqualByComparingTo("12345.6789");
        assertThat(first.rowsLeftOut()).isZero();
        assertThat(first.endedAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(attempts.get(1).rowsLeftOut()).isNull();
        assertThat(attempts.get(5).error()).isEqualTo("process died");
        assertThat(a6).isGreaterThan(a5);

        Map<String, StoreDayRecord> days = new java.util.HashMap<>();
        l.storeDays().forEach(s -> days.put(s.storeId() + " " + s.businessDate(), s));
        assertThat(days.get("t1 " + D).status()).isEqualTo("LOADED");
        assertThat(days.get("t1 " + D).rows()).isEqualTo(1200L);
        assertThat(days.get("t1 " + D).runId()).isEqualTo(run);
        assertThat(days.get("t1 " + D).origin()).isEqualTo("run");
        assertThat(days.get("t2 " + D).status()).isEqualTo("FAILED");
        assertThat(days.get("t2 " + D).error()).isEqualTo("timeout again");
        assertThat(days.get("t2 " + D).rows()).isNull();
        assertThat(days.get("t3 " + D).note()).isEqualTo("suspect: no row");
        assertThat(days.get("t3 " + D).rows()).isEqualTo(77L);
        assertThat(l.lastLoadedRows("t1")).contains(1200L);
        assertThat(l.lastLoadedRows("t2")).isEmpty();

        // coverage import: pairs the ledger has LOADED stay, a FAILED one is replaced, new ones are added
        List<HeldDay> held = List.of(new HeldDay("t1", D, 1, BigDecimal.ONE), new HeldDay("t2", D, 5, BigDecimal.TEN),
                new HeldDay("t9", D.minusDays(400), 3, new BigDecimal("0.0001")));
        assertThat(l.importHeldDays(held, T0.plusSeconds(20))).extracting(HeldDay::storeId).containsExactly("t2", "t9");
        assertThat(l.importedSince(T0.plusSeconds(20))).containsExactlyInAnyOrder("t2|" + D, "t9|" + D.minusDays(400));
        assertThat(l.importedSince(T0.plusSeconds(21))).isEmpty();
        assertThat(l.storeDays()).filteredOn(s -> s.storeId().equals("t2")).singleElement()
                .satisfies(s -> assertThat(s.origin()).isEqualTo("import"))
                .satisfies(s -> assertThat(s.rows()).isEqualTo(5L));

        // KLK: a day replaced outside a run has no run id
        l.storeDayLoaded("k1", D, 9, BigDecimal.ZERO, T0);
        l.storeDayLoaded("k1", D, 10, BigDecimal.ONE, "2 rows left out", T0.plusSeconds(1));
        assertThat(l.storeDays()).filteredOn(s -> s.storeId().equals("k1")).singleElement()
                .satisfies(s -> assertThat(s.runId()).isNull())
                .satisfies(s -> assertThat(s.rows()).isEqualTo(10L))
                .satisfies(s -> assertThat(s.note()).isEqualTo("2 rows left out"));

        l.businessDay(D, false, run, 3, 1, T0);
        assertThat(l.isCompleted(D)).isFalse();
        l.businessDay(D, true, run, 3, 3, T0.plusSeconds(1));
        l.businessDay(D.minusDays(1), false, run, 3, 2, T0);
        l.businessDay(D.minusDays(30), true, run, 3, 3, T0);
        assertThat(l.isCompleted(D)).isTrue();
        assertThat(l.businessDays(D.minusDays(1), D)).containsExactly(Map.entry(D.minusDays(1), "INCOMPLETE"),
                Map.entry(D, "COMPLETED"));

        // the gaps-over-time chart reads the dates it shows only
        assertThat(l.storeDays(D, D)).extracting(s -> s.storeId() + " " + s.businessDate())
                .containsExactly("k1 " + D, "t1 " + D, "t2 " + D, "t3 " + D);
        assertThat(l.storeDays(D.minusDays(400), D.minusDays(400))).singleElement()
                .satisfies(s -> assertThat(s.storeId()).isEqualTo("t9"));
        assertThat(l.storeDays(D.plusDays(1), D.plusDays(30))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void klkRuns(Kind kind) {
        Ledger l = ledger(kind);
        l.owner(new ProcessOwner("host/1/boot", "/data#a"));
        long r1 = l.klkRunStarted("klk-sales", "direct", "scheduled", T0, T0);
        l.klkRunFinished(r1, "SUCCEEDED", null, null, null, 4, 0, 1234L, "t1: 1234", T0.plusSeconds(30));
        long r2 = l.klkRunStarted("klk-sales", "backend", "manual", null, T0.plusSeconds(40));
        l.klkRunFinished(r2, "FAILED", "HTTP 502", 502, "bad gateway", null, null, null, null, T0.plusSeconds(41));
        long r3 = l.klkRunNotStarted("klk-inventory", "direct", "scheduled", T0, "SKIPPED", "window", T0.plusSeconds(42));
        long r4 = l.klkRunStarted("klk-inventory", "direct", "scheduled", T0.plusSeconds(50), T0.plusSeconds(50));

        KlkRunRecord ok = l.lastKlkRun("klk-sales", "SUCCEEDED").orElseThrow();
        assertThat(ok.id()).isEqualTo(r1);
        assertThat(ok.scheduledAt()).isEqualTo(T0);
        assertThat(ok.httpStatus()).isNull();
        assertThat(ok.storesTotal()).isEqualTo(4);
        assertThat(ok.rowsLoaded()).isEqualTo(1234L);
        KlkRunRecord failed = l.lastKlkRun("klk-sales", "SUCCEEDED", "FAILED").orElseThrow();
        assertThat(failed.id()).isEqualTo(r2);
        assertThat(failed.httpStatus()).isEqualTo(502);
        assertThat(failed.scheduledAt()).isNull();
        assertThat(failed.rowsLoaded()).isNull();
        assertThat(l.lastKlkRun("klk-inventory", "FAILED")).isEmpty();
        assertThat(l.recentKlkRuns("klk-inventory", 10)).extracting(KlkRunRecord::id).containsExactly(r4, r3);
        assertThat(l.recentKlkRuns(null, 2)).extracting(KlkRunRecord::id).containsExactly(r4, r3);
        // one store's inventory by request: which store and who asked, from its start (and when it did not start)
        long r5 = l.klkRunNotStarted("inventory-all", "direct", "manual", null, "SKIPPED", "still running",
                "store t1, asked by api from 10.0.0.1", T0.plusSeconds(43));
        long r6 = l.klkRunStarted("inventory-all", "direct", "manual", null, "store t2, asked by api from 10.0.0.2",
                T0.plusSeconds(44));
        assertThat(l.recentKlkRuns("inventory-all", 5)).extracting(KlkRunRecord::id, KlkRunRecord::status,
                KlkRunRecord::detail).containsExactly(
                org.assertj.core.groups.Tuple.tuple(r6, "RUNNING", "store t2, asked by api from 10.0.0.2"),
                org.assertj.core.groups.Tuple.tuple(r5, "SKIPPED", "store t1, asked by api from 10.0.0.1"));
        l.klkRunFinished(r6, "SUCCEEDED", null, null, null, 1, 0, 40L, "store t2, asked by api from 10.0.0.2; t2: 40 rows",
                T0.plusSeconds(45));

        // r4 is this process's: left alone; a run of a gone process on the same data dir is closed
        assertThat(l.abandonKlkRuns("died", T0.plusSeconds(60))).isZero();
        l.owner(new ProcessOwner("host/9/boot", "/data#a"));
        assertThat(l.abandonKlkRuns("died", T0.plusSeconds(60))).isEqualTo(1);
        assertThat(l.recentKlkRuns("klk-inventory", 1).get(0).status()).isEqualTo("FAILED");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void textsOfAnyLengthAndContentAreKept(Kind kind) {
        Ledger l = ledger(kind);
        List<LocalDate> year = java.util.stream.IntStream.range(0, 366).mapToObj(i -> D.minusDays(2 * i)).sorted().toList();
        List<String> stores = java.util.stream.IntStream.range(0, 2000).mapToObj(i -> "store_" + i).toList();
        long id = l.startRun("manual", "ñandú \u0000 " + "x".repeat(500), year, stores, "none", T0);
        // a NUL character (an HTTP body, a driver message) is refused by PostgreSQL in a text column
        l.finishRun(id, "FAILED", "línea 1\nlínea 2 \u0000 fin " + "€".repeat(10_000), 0, 0, 0, 0, T0);
        RunRecord r = l.run(id).orElseThrow();
        assertThat(r.businessDates()).isEqualTo(year);
        assertThat(r.storeIds().split(",")).hasSize(2000);
        assertThat(r.requestedBy()).hasSize(Ledger.REQUESTED_BY).startsWith("ñandú \uFFFD x");
        assertThat(r.reason()).hasSize(Texts.LEDGER_TEXT).startsWith("línea 1\nlínea 2 \uFFFD fin €€");
        long k = l.klkRunStarted("klk-sales", "backend", "manual", null, T0);
        l.klkRunFinished(k, "FAILED", "bad body", 500, "\u0000\u0001binary" + "\u0000".repeat(5000), null, null, null,
                null, T0);
        assertThat(l.recentKlkRuns("klk-sales", 1).get(0).response()).startsWith("\uFFFD\u0001binary\uFFFD");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void settings(Kind kind) {
        Ledger l = ledger(kind);
        assertThat(l.setting("window.start")).isEmpty();
        l.setting("window.start", "02:00", T0);
        l.setting("window.start", "03:00", T0.plusSeconds(1));
        l.setting("flag", null, T0);
        assertThat(l.setting("window.start")).contains("03:00");
        assertThat(l.setting("flag")).isEqualTo(Optional.empty());
        // another process on the same ledger reads what this one wrote
        Ledger other = new Ledger(ds);
        assertThat(other.setting("window.start")).contains("03:00");
    }

    /** Two processes sharing the ledger (two Ledger objects: no common lock) save the same new setting at once. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void twoProcessesSaveTheSameSettingAtOnce(Kind kind) throws Exception {
        Ledger a = ledger(kind);
        Ledger b = new Ledger(ds);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                String name = "setting-" + round;
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.Future<?> fa = pool.submit(() -> {
                    together.await();
                    a.setting(name, "a", T0);
                    return null;
                });
                java.util.concurrent.Future<?> fb = pool.submit(() -> {
                    together.await();
                    b.setting(name, "b", T0);
                    return null;
                });
                fa.get();
                fb.get();
                assertThat(new Ledger(ds).setting(name).orElseThrow()).isIn("a", "b");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void storeControlsAndInventorySnapshots(Kind kind) {
        Ledger l = ledger(kind);
        assertThat(l.storeControls()).isEmpty();
        l.saveStoreControl(new StoreControlRecord("t1", false, null, null, null, "api from 10.0.0.1", T0), "disabled", T0);
        l.saveStoreControl(new StoreControlRecord("t1", false, 90, 5, 7, "api from 10.0.0.2", T0), "priority=90",
                T0.plusSeconds(1));
        l.saveStoreControl(new StoreControlRecord("t2", null, 3, null, null, "a\u0000b", T0), "x".repeat(9000), T0);
        StoreControlRecord t1 = l.storeControls().get("t1");
        assertThat(t1).isEqualTo(new StoreControlRecord("t1", false, 90, 5, 7, "api from 10.0.0.2", T0.plusSeconds(1)));
        assertThat(l.storeControls().get("t2").enabled()).isNull();
        assertThat(l.storeControlChanges("t1", 10)).extracting(c -> c[0]).containsExactly("priority=90", "disabled");
        assertThat(l.storeControlChanges("t2", 1).get(0)[0]).hasSizeLessThanOrEqualTo(Texts.LEDGER_TEXT);
        // the switches only (not the other changes), oldest first, the newest `limit` of them
        l.saveStoreControl(new StoreControlRecord("t1", true, 90, 5, 7, "api", T0), "enabled", T0.plusSeconds(5));
        assertThat(l.storeSwitches(10)).containsExactly(new StoreSwitchRecord("t1", false, T0),
                new StoreSwitchRecord("t1", true, T0.plusSeconds(5)));
        assertThat(l.storeSwitches(1)).containsExactly(new StoreSwitchRecord("t1", true, T0.plusSeconds(5)));

        assertThat(l.inventoryStores()).isEmpty();
        l.inventoryReplaced("t1", "inventory-all", 7, 40, T0, T0.plusSeconds(2));
        l.inventoryFailed("t1", "klk-inventory", 8, "source unreachable", T0.plusSeconds(60));
        l.inventoryFailed("t2", "inventory-all", 9, "boom", T0);
        InventoryStoreRecord r = l.inventoryStores().get("t1");
        assertThat(r).isEqualTo(new InventoryStoreRecord("t1", T0, 40L, "inventory-all", 7L, "klk-inventory", 8L, "FAILED",
                "source unreachable", T0.plusSeconds(60)));
        assertThat(l.inventoryStores().get("t2").snapshotRows()).isNull();
    }
}
