package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The charts' data without a server: nights from window runs, load times from attempts. */
class HistoryTest {
    static final ZoneId CARACAS = ZoneId.of("America/Caracas");

    static Instant at(LocalDate d, int hour) {
        return d.atTime(hour, 0).atZone(CARACAS).toInstant();
    }

    static RunRecord run(long id, String kind, String status, Instant start, long downSeconds, int ok, int failed, long rows) {
        return new RunRecord(id, kind, kind, List.of(start.atZone(CARACAS).toLocalDate().minusDays(1)), "t1", status, null,
                "ecs", "STARTED", start, start.plusSeconds(downSeconds + 60), downSeconds == 0 ? null : start,
                downSeconds == 0 ? null : start.plusSeconds(downSeconds), ok + failed, ok, failed, rows);
    }

    @Test
    void oneBarGroupPerNightWithAWindowRunTheNewestNightsOnly() {
        LocalDate d = LocalDate.of(2026, 11, 1);
        List<RunRecord> runs = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            runs.add(run(i, "scheduled", i == 34 ? "FAILED" : "SUCCEEDED", at(d.plusDays(i), 1), 600, 15, i == 34 ? 1 : 0, 1000));
        }
        // the last night's retry run adds to it; skipped and operators' runs are no nights
        runs.add(run(100, "recovery", "SUCCEEDED", at(d.plusDays(34), 3), 120, 1, 0, 50));
        runs.add(run(101, "scheduled", "SKIPPED", at(d.plusDays(40), 1), 0, 0, 0, 0));
        runs.add(run(102, "manual", "SUCCEEDED", at(d.plusDays(41), 12), 300, 1, 0, 10));
        List<StoreConfig> stores = List.of(new StoreConfig("t1", "T1", "legacy", "jdbc:h2:mem:t1", null, null, true),
                new StoreConfig("t2", "T2", "legacy", "jdbc:h2:mem:t2", null, null, true));
        List<AttemptRecord> attempts = List.of(
                new AttemptRecord("t1", d, 1, "SUCCEEDED", 10L, null, null, at(d.plusDays(30), 1), at(d.plusDays(30), 1).plusSeconds(10), null, null),
                new AttemptRecord("t1", d, 1, "SUCCEEDED", 10L, null, null, at(d.plusDays(31), 1), at(d.plusDays(31), 1).plusSeconds(20), null, null),
                // before the first night shown: not counted
                new AttemptRecord("t1", d, 1, "SUCCEEDED", 10L, null, null, at(d.plusDays(2), 1), at(d.plusDays(2), 1).plusSeconds(900), null, null));

        History.Answer h = History.build(runs, attempts, stores, CARACAS, 30);

        assertThat(h.nights()).hasSize(30);
        assertThat(h.nights().get(0).fecha()).isEqualTo(d.plusDays(5));
        History.Night last = h.nights().get(29);
        assertThat(last.fecha()).isEqualTo(d.plusDays(34));
        assertThat(last.runs()).isEqualTo(2);
        assertThat(last.downtimeSeconds()).isEqualTo(720);
        assertThat(last.rows()).isEqualTo(1050);
        assertThat(last.exitosas()).isEqualTo(16);
        assertThat(last.fallidas()).isEqualTo(1);
        assertThat(last.status()).isEqualTo("FAILED");
        assertThat(h.stores()).containsExactly(new History.StoreTime("t1", "T1", 2, 15.0), new History.StoreTime("t2", "T2", 0, null));
        assertThat(History.build(runs, attempts, stores, CARACAS, 7).nights()).hasSize(7);
    }
}
