package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16: the packaged jar with {@code fluxion.window.strategy=staged} is killed with SIGKILL while it stages
 * (the backend serving, staging files half written) and when its merge starts (the backend stopped, the writer lease
 * taken, the merge transaction under way), then started again as the service. Every time: no (store, date) is
 * half in DuckDB, nothing is duplicated, the staging files of the dead run are never merged (the next run discards
 * them and stages again), and the backend ends running.
 */
class StagedKillRecoveryIT {
    static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03");

    enum KillPoint { DURING_STAGING, DURING_MERGE }

    @TempDir
    Path work;
    StoreServer stores;
    TcpProxy slowStore;
    EcsTestServer ecs;
    ZoneOffset zone;
    LocalDate d;
    final List<JarProcess> processes = new ArrayList<>();
    final Map<String, StoreServer.Totals> source = new LinkedHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        zone = JarProcess.noonZone();
        d = ZonedDateTime.now(zone).toLocalDate().minusDays(1);
        stores = StoreServer.start(work.resolve("stores"));
        for (String id : STORES) {
            stores.createStore(id, false, d, d);
        }
        for (String id : STORES) {
            source.put(id, stores.totals(id, d));
        }
        slowStore = new TcpProxy(stores.port());
        ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (JarProcess p : processes) {
            p.close();
        }
        ecs.close();
        slowStore.close();
        stores.close();
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void aStagedWindowKilledAnywhereLeavesNoHalfDayAndTheBackendRunning(KillPoint point) throws Exception {
        Path data = work.resolve("data");
        if (point == KillPoint.DURING_MERGE) {
            // tienda_01 gets 150,000 more rows that day: the merge takes long enough to be killed in
            stores.addSales("tienda_01", d, 150_000);
            source.put("tienda_01", stores.totals("tienda_01", d));
        }
        if (point == KillPoint.DURING_STAGING) {
            slowStore.slow(Duration.ofMillis(150));
        }
        JarProcess window = start(work.resolve("run-window.out"), "run-window", "--date", d.toString());
        switch (point) {
            case DURING_STAGING -> window.await("tienda_01 staged and tienda_02 half staged", 180, () -> {
                String out = window.output();
                return out.contains("Store tienda_01 " + d + ": staged")
                        && out.matches("(?s).*Store tienda_02 " + d + ": [0-9]+ rows \\(.*");
            });
            case DURING_MERGE -> window.await("the merge's writer lease", 180,
                    () -> window.output().contains("DuckDB writer lease taken by window run"));
        }
        window.kill(); // SIGKILL: no finally step runs

        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        if (point == KillPoint.DURING_STAGING) {
            assertThat(ecs.briefs()).as("the backend was never stopped while staging").isEmpty();
            assertThat(Files.list(data.resolve("staging")).map(p -> p.getFileName().toString()))
                    .as("staging files were being written").contains("tienda_01.duckdb");
        } else {
            assertThat(ecs.desired()).as("the dead process left the backend scaled down").isZero();
        }
        if (Files.exists(data.resolve("fluxion.duckdb"))) {
            for (String id : STORES) {
                StoreServer.Totals t = duck.totals(id, d);
                assertThat(t.rows() == 0 || t.equals(source.get(id)))
                        .as(id + " is either fully merged or absent after the kill, got " + t).isTrue();
            }
        }

        // the next start of the service finishes the job
        slowStore.slow(Duration.ZERO);
        JarProcess service = start(work.resolve("service.out"));
        String done = point == KillPoint.DURING_STAGING ? "(catch-up) SUCCEEDED" : "(recovery) SUCCEEDED";
        service.await("the recovery", 180, () -> service.output().contains(done));
        service.await("the backend running", 120, () -> ecs.desired() == 1 && ecs.running() == 1);
        service.terminate();
        assertThat(service.waitFor(60)).isTrue();

        for (String id : STORES) {
            assertThat(duck.totals(id, d)).as(id + "\n--- run-window:\n" + window.output() + "\n--- service:\n"
                    + service.output()).isEqualTo(source.get(id));
        }
        long expected = source.values().stream().mapToLong(StoreServer.Totals::rows).sum();
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).as("no duplicate").isEqualTo(expected);
        assertThat(service.output()).contains("discarded").contains("staging file(s) left by an earlier run");
        assertThat(data.resolve("staging")).isEmptyDirectory();

        List<RunRecord> runs = LedgerFile.read(data, l -> l.recentRuns(10));
        RunRecord killed = runs.stream().filter(r -> r.kind().equals("cli")).findFirst().orElseThrow();
        assertThat(killed.status()).isEqualTo("FAILED");
        assertThat(killed.reason()).startsWith("interrupted: the process stopped during the run");
        List<AttemptRecord> attempts = LedgerFile.read(data, l -> l.attempts(killed.id()));
        assertThat(attempts).noneMatch(a -> a.status().equals("RUNNING") || a.status().equals("STAGED"));
        if (point == KillPoint.DURING_STAGING) {
            assertThat(attempts).noneMatch(a -> a.status().equals("SUCCEEDED"));
        } else {
            StepRecord merge = LedgerFile.read(data, l -> l.steps(killed.id())).stream()
                    .filter(s -> s.step().equals("merge")).findFirst().orElseThrow();
            System.out.println("kill during the merge: merge step " + merge.status() + ", attempts " + attempts);
            if (merge.endedAt() == null) {
                // killed inside the merge (the usual case): nothing of it reached the ledger, every staged pair was
                // given up and merged again by the recovery run
                assertThat(attempts).allMatch(a -> a.stagedAt() != null && a.status().equals("FAILED")
                        && a.error().startsWith("interrupted: staged but not merged"));
            }
        }
        RunRecord finisher = runs.stream().filter(r -> r.kind().equals(point == KillPoint.DURING_STAGING ? "catch-up"
                : "recovery")).findFirst().orElseThrow();
        assertThat(finisher.status()).isEqualTo("SUCCEEDED");
        assertThat(finisher.strategy()).isEqualTo("staged");
        assertThat(finisher.backendState()).isEqualTo("STARTED");
    }

    private JarProcess start(Path out, String... args) throws Exception {
        Map<String, String> p = new LinkedHashMap<>(JarProcess.windowAroundNow(zone));
        p.put("fluxion.log-dir", work.resolve("logs").toString());
        p.put("camel.server.enabled", "false");
        p.put("camel.management.enabled", "false");
        p.put("fluxion.window.strategy", "staged");
        p.put("fluxion.window.recovery-days", "0");
        p.put("fluxion.klk.enabled", "false");
        p.put("fluxion.etl.chunk-size", "2000");
        p.put("fluxion.etl.parallelism", "3");
        p.put("fluxion.etl.redelivery-delay", "50ms");
        p.put("fluxion.backend.poll-interval", "100ms");
        p.put("fluxion.backend.stop-timeout", "3m");
        p.put("fluxion.backend.start-timeout", "3m");
        p.putAll(ecs.properties());
        p.putAll(stores.storeProperties(STORES, "tienda_02", slowStore.port()));
        JarProcess jar = JarProcess.start(work, out, p, JarProcess.awsEnv(), args);
        processes.add(jar);
        return jar;
    }
}
