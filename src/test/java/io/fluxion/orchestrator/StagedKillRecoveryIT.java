package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.JarScene;
import io.fluxion.orchestrator.testing.LedgerFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
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
    enum KillPoint { DURING_STAGING, DURING_MERGE }

    @TempDir
    Path work;
    JarScene scene;

    @BeforeEach
    void setUp() {
        scene = JarScene.start(work);
    }

    @AfterEach
    void tearDown() throws Exception {
        scene.close();
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void aStagedWindowKilledAnywhereLeavesNoHalfDayAndTheBackendRunning(KillPoint point) throws Exception {
        EcsTestServer ecs = scene.ecs;
        LocalDate d = scene.d;
        Path data = scene.data();
        if (point == KillPoint.DURING_MERGE) {
            // tienda_01 gets 150,000 more rows that day: the merge takes long enough to be killed in
            scene.addSales("tienda_01", 150_000);
        }
        if (point == KillPoint.DURING_STAGING) {
            scene.slowStore.slow(Duration.ofMillis(150));
        }
        JarProcess window = scene.start("run-window", properties(), "run-window", "--date", d.toString());
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

        if (point == KillPoint.DURING_STAGING) {
            assertThat(ecs.briefs()).as("the backend was never stopped while staging").isEmpty();
            assertThat(Files.list(data.resolve("staging")).map(p -> p.getFileName().toString()))
                    .as("staging files were being written").contains("tienda_01.duckdb");
        } else {
            assertThat(ecs.desired()).as("the dead process left the backend scaled down").isZero();
        }
        scene.assertEachStoreWholeOrAbsent("after the kill");

        // the next start of the service finishes the job
        scene.slowStore.slow(Duration.ZERO);
        JarProcess service = scene.start("service", properties());
        String done = point == KillPoint.DURING_STAGING ? "(catch-up) SUCCEEDED" : "(recovery) SUCCEEDED";
        service.await("the recovery", 180, () -> service.output().contains(done));
        service.await("the backend running", 120, () -> ecs.desired() == 1 && ecs.running() == 1);
        service.terminate();
        assertThat(service.waitFor(60)).isTrue();
        scene.assertEveryStoreLoadedOnce();
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

    private Map<String, String> properties() {
        Map<String, String> p = scene.properties("staged");
        p.put("fluxion.etl.chunk-size", "2000");
        p.put("fluxion.etl.parallelism", "3");
        return p;
    }
}
