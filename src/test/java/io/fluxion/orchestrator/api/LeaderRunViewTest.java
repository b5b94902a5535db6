package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A follower's view of the leader's run (the scheduler status's {@code current_run} on an instance that does not
 * lead): built from the ledger alone, one row per (store, date) with its newest attempt, the phase from the run's
 * backend state.
 */
class LeaderRunViewTest {
    static final ZoneId CARACAS = ZoneId.of("America/Caracas");
    static final LocalDate D = LocalDate.of(2026, 11, 20);
    static final Instant START = Instant.parse("2026-11-21T05:00:00Z");

    static RunRecord run(String strategy, String backendState) {
        return new RunRecord(7, "scheduled", "scheduler", List.of(D), "tienda_01,tienda_02,tienda_03", "RUNNING", null,
                "ecs", backendState, START, null, null, null, 3, null, null, null, strategy, null, null, 0);
    }

    static AttemptRecord attempt(String store, int n, String status, Long rows, String error) {
        return new AttemptRecord(store, D, n, status, rows, BigDecimal.ONE, error, START, null, null, null,
                "STAGED".equals(status) ? START.plusSeconds(30) : null, null);
    }

    @Test
    void eachStoreShowsItsNewestAttemptAndTheOnesNotStartedArePending() {
        List<AttemptRecord> attempts = List.of(
                attempt("tienda_01", 1, "FAILED", null, "source unreachable"),
                attempt("tienda_01", 2, "STAGED", 1200L, null),
                attempt("tienda_02", 1, "RUNNING", null, null));
        Answers.CurrentRun v = Views.leaderRun(run("staged", "UNTOUCHED"), attempts, START.plusSeconds(60), CARACAS,
                id -> id.toUpperCase());

        assertThat(v.runId()).isEqualTo(7);
        assertThat(v.phase()).isEqualTo("staging");
        assertThat(v.backendDown()).isFalse();
        assertThat(v.startedAt()).isEqualTo("2026-11-21T01:00:00-04:00");
        assertThat(v.stores()).extracting(Answers.StoreRow::storeId, Answers.StoreRow::name, Answers.StoreRow::status,
                        Answers.StoreRow::attempts)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("tienda_01", "TIENDA_01", "STAGED", 2),
                        org.assertj.core.groups.Tuple.tuple("tienda_02", "TIENDA_02", "RUNNING", 1),
                        org.assertj.core.groups.Tuple.tuple("tienda_03", "TIENDA_03", "PENDING", 0));
        assertThat(v.staged()).isEqualTo(1);
        assertThat(v.rows()).isEqualTo(1200);
        assertThat(v.storesTotal()).isEqualTo(3);
        assertThat(v.storesDone()).isZero();
        assertThat(v.stores().get(0).error()).as("the newest attempt's, not the first's").isNull();
    }

    @Test
    void thePhaseFollowsTheBackendState() {
        assertThat(Views.leaderRun(run("staged", "STOPPED"), List.of(), START, CARACAS, id -> id).phase())
                .isEqualTo("merging");
        assertThat(Views.leaderRun(run("stop-first", "STOPPED"), List.of(), START, CARACAS, id -> id).phase())
                .isEqualTo("etl");
        assertThat(Views.leaderRun(run("stop-first", "STOPPING"), List.of(), START, CARACAS, id -> id).backendDown())
                .isTrue();
        assertThat(Views.leaderRun(run("stop-first", "START_REQUESTED"), List.of(), START, CARACAS, id -> id).phase())
                .isEqualTo("starting_backend");
        Answers.CurrentRun done = Views.leaderRun(run("stop-first", "STOPPED"), List.of(
                attempt("tienda_01", 1, "SUCCEEDED", 10L, null), attempt("tienda_02", 1, "FAILED", null, "x"),
                attempt("tienda_03", 1, "SUCCEEDED", 5L, null)), START.plusSeconds(5), CARACAS, id -> id);
        assertThat(done.storesDone()).isEqualTo(3);
        assertThat(done.exitosas()).isEqualTo(2);
        assertThat(done.fallidas()).isEqualTo(1);
        assertThat(done.rows()).isEqualTo(15);
        assertThat(done.percent()).isEqualTo(100.0);
    }
}
