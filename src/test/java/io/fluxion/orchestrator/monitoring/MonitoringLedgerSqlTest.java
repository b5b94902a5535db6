package io.fluxion.orchestrator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.LedgerDatabases;
import io.fluxion.orchestrator.testing.LedgerDatabases.Kind;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every SQL statement of {@link MonitoringLedger} (alerts, the metrics' aggregates) on H2 and on PostgreSQL; a
 * webhook error longer than its column is clipped to it (it was 3 characters too long, and the update failed).
 */
class MonitoringLedgerSqlTest {
    static final Instant T0 = Instant.parse("2026-11-24T05:00:00.654321Z");
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

    @ParameterizedTest
    @EnumSource(Kind.class)
    void alertsAndAggregates(Kind kind) {
        ds = LedgerDatabases.open(kind, tmp);
        Ledger ledger = new Ledger(ds);
        ledger.migrate();
        MonitoringLedger m = new MonitoringLedger(ds);

        // an empty ledger: aggregates answer empty, never null rows
        assertThat(m.lastLoadedDates()).isEmpty();
        assertThat(m.lastCompletedBusinessDate()).isEmpty();
        assertThat(m.lastFinishedRun()).isEmpty();
        assertThat(m.recentKlkOutcomes("klk-sales", 5)).isEmpty();
        assertThat(m.recentAlerts(10)).isEmpty();

        long a1 = m.insertAlert("window-failed", "CRITICAL", "run-1", "falló \u0000 " + "x".repeat(5000), 1L, "PENDING", T0);
        long a2 = m.insertAlert("summary", "INFO", null, "ok", null, "NONE", T0.plusSeconds(1));
        assertThat(a2).isGreaterThan(a1);
        assertThat(m.alertExists("run-1")).isTrue();
        assertThat(m.alertExists("run-2")).isFalse();
        m.alertSent(a1, 2, T0.plusSeconds(5));
        m.alertFailed(a2, 3, "HTTP 500 \u0000 " + "e".repeat(2000));

        AlertRecord sent = m.alert(a1).orElseThrow();
        assertThat(sent.runId()).isEqualTo(1L);
        assertThat(sent.text()).startsWith("falló \uFFFD x").hasSize(MonitoringLedger.TEXT_MAX).endsWith("x...");
        assertThat(sent.webhookStatus()).isEqualTo("SENT");
        assertThat(sent.webhookAttempts()).isEqualTo(2);
        assertThat(sent.createdAt()).isEqualTo(T0);
        assertThat(sent.sentAt()).isEqualTo(T0.plusSeconds(5));
        AlertRecord failed = m.alert(a2).orElseThrow();
        assertThat(failed.runId()).isNull();
        assertThat(failed.dedupeKey()).isNull();
        assertThat(failed.sentAt()).isNull();
        assertThat(failed.webhookError()).startsWith("HTTP 500 \uFFFD e").hasSize(MonitoringLedger.ERROR_MAX).endsWith("e...");
        assertThat(m.recentAlerts(1)).extracting(AlertRecord::id).containsExactly(a2);
        assertThat(m.alert(999)).isEmpty();

        long run = ledger.startRun("scheduled", "quartz", List.of(D), List.of("t1", "t2"), "ecs", T0);
        ledger.backendState(run, "STOPPED", T0.plusSeconds(10));
        ledger.backendState(run, "STARTED", T0.plusSeconds(20));
        ledger.finishRun(run, "SUCCEEDED", null, 2, 2, 0, 10, T0.plusSeconds(30));
        ledger.skippedRun("manual", "api", List.of(D), "busy", T0.plusSeconds(40));
        long a = ledger.attemptStarted(run, "t1", D, 1, T0);
        ledger.attemptSucceeded(a, run, "t1", D, 5, BigDecimal.ONE, T0);
        ledger.storeDayLoaded("t1", D.minusDays(3), 5, BigDecimal.ONE, T0);
        ledger.storeDayLoaded("t2", D.minusDays(1), 5, BigDecimal.ONE, T0);
        ledger.businessDay(D.minusDays(1), true, run, 2, 2, T0);
        ledger.businessDay(D, false, run, 2, 1, T0);
        long k1 = ledger.klkRunStarted("klk-sales", "direct", "scheduled", T0, T0);
        ledger.klkRunFinished(k1, "FAILED", "x", null, null, 1, 1, 0L, null, T0);
        long k2 = ledger.klkRunStarted("klk-sales", "direct", "scheduled", T0, T0);
        ledger.klkRunFinished(k2, "SUCCEEDED", null, null, null, 1, 0, 3L, null, T0);
        ledger.klkRunNotStarted("klk-sales", "direct", "scheduled", T0, "SKIPPED", "window", T0);

        assertThat(m.lastLoadedDates()).containsExactly(Map.entry("t1", D), Map.entry("t2", D.minusDays(1)));
        assertThat(m.lastCompletedBusinessDate()).contains(D.minusDays(1));
        assertThat(m.lastFinishedRun().orElseThrow()).containsExactly(T0, T0.plusSeconds(30), T0.plusSeconds(10),
                T0.plusSeconds(20));
        assertThat(m.recentKlkOutcomes("klk-sales", 5)).containsExactly("SUCCEEDED", "FAILED");
        assertThat(m.recentKlkOutcomes("klk-sales", 1)).containsExactly("SUCCEEDED");
    }
}
