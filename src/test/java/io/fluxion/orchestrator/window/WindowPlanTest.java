package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.StoreControlRecord;
import io.fluxion.orchestrator.schedule.StoreRules;
import io.fluxion.orchestrator.schedule.WindowClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The plan of a window run on its own: a fixed configuration (window 01:00-06:00 Caracas, 3 recovery days,
 * backend start 5 min, ETL at most 4 h), instants given by the test and the ledger's coverage as a map.
 */
class WindowPlanTest {
    static final ZoneId CARACAS = ZoneId.of("America/Caracas");
    static final LocalDate D17 = LocalDate.of(2026, 11, 17);
    static final LocalDate D18 = LocalDate.of(2026, 11, 18);
    static final LocalDate D19 = LocalDate.of(2026, 11, 19);
    static final LocalDate D20 = LocalDate.of(2026, 11, 20);

    /** The ledger as the plan sees it. */
    static final class MapCoverage implements WindowPlan.Coverage {
        final Map<LocalDate, String> days = new HashMap<>();
        final Set<WorkItem> loaded = new HashSet<>();

        @Override
        public Map<LocalDate, String> businessDays(LocalDate from, LocalDate to) {
            Map<LocalDate, String> out = new HashMap<>();
            days.forEach((d, s) -> {
                if (!d.isBefore(from) && !d.isAfter(to)) {
                    out.put(d, s);
                }
            });
            return out;
        }

        @Override
        public Set<WorkItem> loaded() {
            return loaded;
        }

        StoreRules rules = StoreRules.NONE;

        @Override
        public StoreRules rules() {
            return rules;
        }

        MapCoverage completed(LocalDate... dates) {
            for (LocalDate d : dates) {
                days.put(d, "COMPLETED");
            }
            return this;
        }

        MapCoverage loaded(String store, LocalDate d) {
            loaded.add(new WorkItem(store, d));
            return this;
        }
    }

    final MapCoverage coverage = new MapCoverage();

    static WindowPlan plan(Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(Map.of("fluxion.demo.enabled", "false",
                "fluxion.window.recovery-days", "3", "fluxion.backend.start-timeout", "5m",
                "fluxion.etl.max-duration", "4h"));
        p.putAll(extra);
        // the configuration's store order is tienda_02 before tienda_01; tienda_08 is a KLK store, tienda_09 disabled
        FluxionConfig cfg = FluxionConfig.load(p::get, p.keySet()).withStores(List.of(
                store("tienda_02", "legacy", true), store("tienda_01", "legacy", true),
                store("tienda_08", "klk", true), store("tienda_09", "legacy", false)));
        // the calendar's own clock is never read by the plan: every answer comes from the instant it is given
        return new WindowPlan(cfg, new WindowClock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), cfg.window()));
    }

    static StoreConfig store(String id, String system, boolean enabled) {
        return new StoreConfig(id, id.toUpperCase(), system, "jdbc:h2:mem:" + id, "sa", "", enabled);
    }

    static Instant caracas(int day, int hour, int minute) {
        return LocalDateTime.of(2026, 11, day, hour, minute).atZone(CARACAS).toInstant();
    }

    static WindowPlan.Request request(String kind) {
        return new WindowPlan.Request(kind, List.of(), List.of(), List.of(), true, null);
    }

    static WorkItem w(String store, LocalDate d) {
        return new WorkItem(store, d);
    }

    @Test
    void theNightlyRunLoadsTheNotCompletedRecoveryDatesOldestFirstThenYesterdayAndOnlyWhatIsNotLoaded() {
        coverage.completed(D17).loaded("tienda_01", D18).loaded("tienda_02", D20).loaded("tienda_01", D17);

        WindowPlan.Run run = plan(Map.of()).plan(request("scheduled"), coverage, caracas(21, 2, 0));

        assertThat(run.refusal()).isNull();
        assertThat(run.dates()).containsExactly(D18, D19, D20);
        // by date, then in the configuration's store order; never the KLK store nor the disabled one
        assertThat(run.items()).containsExactly(w("tienda_02", D18), w("tienda_02", D19), w("tienda_01", D19),
                w("tienda_01", D20));
        // window end 06:00 minus the backend's 5 minutes to start (before 02:00 + the ETL's 4 h)
        assertThat(run.deadline()).isEqualTo(caracas(21, 5, 55));
    }

    @Test
    void theEtlMaximumBoundsTheDeadlineWhenItComesFirst() {
        WindowPlan plan = plan(Map.of("fluxion.etl.max-duration", "1h"));
        assertThat(plan.plan(request("catch-up"), coverage, caracas(21, 2, 30)).deadline()).isEqualTo(caracas(21, 3, 30));
        // an operator's run is bounded by the ETL maximum only, whatever the hour
        assertThat(plan.deadline("manual", caracas(21, 2, 30))).isEqualTo(caracas(21, 3, 30));
        assertThat(plan(Map.of()).deadline("manual", caracas(21, 12, 0))).isEqualTo(caracas(21, 16, 0));
    }

    @Test
    void anOperatorsOrderReloadsEveryRequestedPairInTheOrderAsked() {
        coverage.completed(D19, D20).loaded("tienda_01", D19).loaded("tienda_02", D19);
        WindowPlan.Request order = new WindowPlan.Request("manual", List.of(D20, D19, D20), List.of("tienda_01", "tienda_02"),
                List.of(), false, null);

        WindowPlan.Run run = plan(Map.of()).plan(order, coverage, caracas(21, 12, 0));

        // the window being disabled or the dates completed changes nothing: it is an explicit order
        assertThat(run.refusal()).isNull();
        assertThat(run.dates()).containsExactly(D19, D20);
        assertThat(run.items()).containsExactly(w("tienda_01", D19), w("tienda_02", D19), w("tienda_01", D20),
                w("tienda_02", D20));
        assertThat(run.deadline()).isEqualTo(caracas(21, 16, 0));
    }

    @Test
    void anOrderWithoutDatesLoadsYesterdayInTheWindowZoneNotInUtc() {
        // 2026-11-21 02:30 UTC is still 2026-11-20 in Caracas: yesterday there is the 19th
        Instant now = Instant.parse("2026-11-21T02:30:00Z");
        WindowPlan.Run run = plan(Map.of()).plan(request("cli"), coverage, now);
        assertThat(run.dates()).containsExactly(D19);
        assertThat(run.items()).containsExactly(w("tienda_02", D19), w("tienda_01", D19));
    }

    @Test
    void aRecoveryRunResumesWhatTheInterruptedRunLeftFirstEvenWithTheWindowDisabled() {
        coverage.completed(D17, D18, D19);
        List<WorkItem> resume = List.of(w("tienda_01", D19), w("tienda_02", D19));

        WindowPlan.Run disabled = plan(Map.of()).plan(new WindowPlan.Request("recovery", List.of(), List.of(), resume,
                false, null), coverage, caracas(21, 3, 0));
        assertThat(disabled.refusal()).isNull();
        assertThat(disabled.items()).containsExactly(w("tienda_02", D19), w("tienda_01", D19));

        WindowPlan.Run enabled = plan(Map.of()).plan(new WindowPlan.Request("recovery", List.of(), List.of(), resume,
                true, null), coverage, caracas(21, 3, 0));
        assertThat(enabled.dates()).containsExactly(D19, D20);
        assertThat(enabled.items()).containsExactly(w("tienda_02", D19), w("tienda_01", D19), w("tienda_02", D20),
                w("tienda_01", D20));
    }

    @Test
    void aTimedRunIsRefusedOutsideTheWindowHoursAndAfterTheDeadlineButAnOperatorsOrderIsNot() {
        WindowPlan plan = plan(Map.of());
        Instant due = caracas(21, 1, 0);
        WindowPlan.Request late = new WindowPlan.Request("scheduled", List.of(), List.of(), List.of(), true, due);

        assertThat(plan.plan(late, coverage, caracas(21, 12, 0)).refusal())
                .isEqualTo("scheduled run outside the window hours (01:00-06:00 America/Caracas, now 12:00)"
                        + ", scheduled for 2026-11-21T01:00-04:00: never started outside them");
        assertThat(plan.plan(request("catch-up"), coverage, caracas(21, 5, 55)).refusal())
                .startsWith("catch-up run after the run deadline " + caracas(21, 5, 55) + " (window end minus");
        assertThat(plan.plan(request("catch-up"), coverage, caracas(21, 5, 54)).refusal()).isNull();
        assertThat(plan.plan(request("manual"), coverage, caracas(21, 12, 0)).refusal()).isNull();
    }

    @Test
    void aPlannedRunWithNothingToDoOrADisabledWindowIsRefusedWithItsReason() {
        WindowPlan plan = plan(Map.of());
        coverage.completed(D17, D18, D19, D20);
        assertThat(plan.plan(request("scheduled"), coverage, caracas(21, 1, 0)).refusal())
                .isEqualTo("business date 2026-11-20 already completed");
        assertThat(plan.plan(new WindowPlan.Request("scheduled", List.of(), List.of(), List.of(), false, null), coverage,
                caracas(21, 1, 0)).refusal()).isEqualTo("window disabled");
        // a recovery run with nothing left: no refusal reason other than "nothing to do"
        assertThat(plan.plan(request("recovery"), coverage, caracas(21, 1, 0)).refusal())
                .isEqualTo("business date 2026-11-20 already completed");
    }

    @Test
    void anUnknownOrDisabledStoreIsRefusedByName() {
        WindowPlan plan = plan(Map.of());
        for (String id : List.of("tienda_99", "tienda_09")) {
            WindowPlan.Request r = new WindowPlan.Request("manual", List.of(D20), List.of(id), List.of(), true, null);
            assertThatThrownBy(() -> plan.plan(r, coverage, caracas(21, 12, 0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown or disabled store: " + id);
        }
    }

    @Test
    void whatAMissedNightWouldLoadIsThePendingPlanOfTheWindowStores() {
        coverage.completed(D17, D18).loaded("tienda_02", D19).loaded("tienda_01", D20).loaded("tienda_08", D20);
        assertThat(plan(Map.of()).pending(coverage, caracas(21, 2, 0)))
                .containsExactly(w("tienda_01", D19), w("tienda_02", D20));
        coverage.loaded("tienda_01", D19).loaded("tienda_02", D20);
        assertThat(plan(Map.of()).pending(coverage, caracas(21, 2, 0))).isEmpty();
    }

    @Test
    void aFailedLoadWithAttemptsLeftIsDueAgainTheIntervalAfterItsFailure() {
        Duration interval = Duration.ofMinutes(20);
        StoreProgress first = failed("tienda_01", 1, caracas(21, 1, 10));
        StoreProgress second = failed("tienda_02", 1, caracas(21, 1, 5));
        StoreProgress used = failed("tienda_03", 3, caracas(21, 1, 0));
        StoreProgress ok = new StoreProgress("tienda_04", "T4", D20, null);
        ok.started(caracas(21, 1, 0));
        ok.succeeded(10, caracas(21, 1, 1));

        List<StoreProgress> retryable = WindowPlan.retryable(List.of(first, second, used, ok), 3);
        // the one that used its 3 attempts and the one that succeeded are not tried again
        assertThat(retryable).containsExactly(first, second);
        assertThat(WindowPlan.nextRetry(retryable, interval)).contains(caracas(21, 1, 25));
        assertThat(WindowPlan.dueRetries(retryable, interval, caracas(21, 1, 24))).isEmpty();
        assertThat(WindowPlan.dueRetries(retryable, interval, caracas(21, 1, 25))).containsExactly(w("tienda_02", D20));
        assertThat(WindowPlan.dueRetries(retryable, interval, caracas(21, 1, 30)))
                .containsExactly(w("tienda_01", D20), w("tienda_02", D20));
        assertThat(WindowPlan.nextRetry(WindowPlan.retryable(List.of(used, ok), 3), interval)).isEmpty();
    }

    static StoreProgress failed(String store, int attempts, Instant at) {
        StoreProgress p = new StoreProgress(store, store.toUpperCase(), D20, null);
        for (int i = 0; i < attempts; i++) {
            p.started(at.minusSeconds(60));
            p.failed("source unreachable", at);
        }
        return p;
    }

    static StoreControlRecord control(String id, Boolean enabled, Integer priority, Integer attempts, Integer minutes) {
        return new StoreControlRecord(id, enabled, priority, attempts, minutes, "test", Instant.EPOCH);
    }

    @Test
    void operatorsControlsDecideWhichStoresTheWindowLoadsAndInWhichOrder() {
        // tienda_01 critical (first), tienda_02 disabled by an operator, tienda_09 enabled over its configuration
        coverage.rules = new StoreRules(Map.of("tienda_01", control("tienda_01", null, 80, null, null),
                "tienda_02", control("tienda_02", false, null, null, null),
                "tienda_09", control("tienda_09", true, 10, null, null)));
        coverage.completed(D17, D18, D19);
        WindowPlan.Run run = plan(Map.of()).plan(request("scheduled"), coverage, caracas(21, 2, 0));
        assertThat(run.items()).containsExactly(w("tienda_01", D20), w("tienda_09", D20));

        // an operator's order of every store follows the same order; naming the disabled store is refused
        WindowPlan.Request all = new WindowPlan.Request("manual", List.of(D19, D20), List.of(), List.of(), true, null);
        assertThat(plan(Map.of()).plan(all, coverage, caracas(21, 12, 0)).items()).containsExactly(w("tienda_01", D19),
                w("tienda_09", D19), w("tienda_01", D20), w("tienda_09", D20));
        WindowPlan.Request named = new WindowPlan.Request("manual", List.of(D20), List.of("tienda_02"), List.of(), true, null);
        assertThatThrownBy(() -> plan(Map.of()).plan(named, coverage, caracas(21, 12, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tienda_02");

        // without controls: the configuration's order and flags, as before
        coverage.rules = StoreRules.NONE;
        assertThat(plan(Map.of()).plan(request("scheduled"), coverage, caracas(21, 2, 0)).items())
                .containsExactly(w("tienda_02", D20), w("tienda_01", D20));
    }

    @Test
    void aStoresOwnAttemptsAndRetryIntervalApplyOverTheGlobalOnes() {
        StoreRules rules = new StoreRules(Map.of("tienda_01", control("tienda_01", null, null, 5, 2)));
        Instant failedAt = caracas(21, 2, 0);
        StoreProgress one = failed("tienda_01", 3, failedAt);
        StoreProgress two = failed("tienda_02", 3, failedAt);
        // globally 3 attempts: only tienda_01, with 5 of its own, may be tried again
        assertThat(WindowPlan.retryable(List.of(one, two), 3, rules)).containsExactly(one);
        assertThat(WindowPlan.retryable(List.of(one, two), 3)).isEmpty();
        // globally 20 minutes; tienda_01 waits its own 2
        assertThat(WindowPlan.nextRetry(List.of(one, two), Duration.ofMinutes(20), rules)).contains(failedAt.plusSeconds(120));
        assertThat(WindowPlan.dueRetries(List.of(one, two), Duration.ofMinutes(20), rules, failedAt.plusSeconds(120)))
                .containsExactly(w("tienda_01", D20));
    }

}
