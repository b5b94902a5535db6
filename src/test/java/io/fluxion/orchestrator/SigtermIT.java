package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.JarScene;
import io.fluxion.orchestrator.testing.LedgerFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the packaged service in the middle of a store with minutes of pulling left (issue 13, item 5), as ECS
 * stops a task (then kills it 30 s later): the window gives up the chunk in flight, rolls the store back, releases
 * DuckDB and sends the backend's start (UpdateService back to the desired count) within seconds, and the process
 * exits; the ledger leaves the run open with the start requested, and the next start finishes the job. With the
 * default strategy, staged (issue 16): SIGTERM while the stores stage never touches the backend and the next start
 * runs the night; SIGTERM during the merge leaves no half day and the backend's start sent.
 */
class SigtermIT {
    static final List<String> STORES = JarScene.STORES;

    @TempDir
    Path work;
    JarScene scene;
    EcsTestServer ecs;
    LocalDate d;

    @BeforeEach
    void setUp() {
        scene = JarScene.start(work);
        ecs = scene.ecs;
        d = scene.d;
    }

    @AfterEach
    void tearDown() throws Exception {
        scene.close();
    }

    private JarProcess start(String name, String strategy) throws Exception {
        Map<String, String> p = scene.properties(strategy);
        p.put("fluxion.etl.chunk-size", "50");
        return scene.start(name, p);
    }

    @Test
    void sigtermMidStoreStartsTheBackendWithinSecondsAndTheNextStartFinishesTheJob() throws Exception {
        // tienda_02 answers each read after 0.3 s: its ~36 chunks (about 6 reads each) take minutes
        scene.slowStore.slow(Duration.ofMillis(300));
        // started inside the window with tonight's window not run: the start-up catch-up runs the night now;
        // SIGTERM while the backend is down mid-store: stop-first's pull (staged stops it only for the merge)
        JarProcess first = start("first", "stop-first");
        first.await("tienda_02 half pulled", 120, () -> first.output()
                .matches("(?s).*Store tienda_02 " + d + ": [0-9]+ rows \\(.*"));
        assertThat(ecs.desired()).as("the window stopped the backend").isZero();

        Instant sigterm = Instant.now();
        first.terminate();

        first.await("UpdateService back to 1", 25, () -> ecs.calls().stream().anyMatch(c ->
                "UpdateService".equals(c.action()) && Integer.valueOf(1).equals(c.desiredCount()) && c.status() == 200
                        && !c.at().isBefore(sigterm)));
        EcsTestServer.Call start = ecs.calls().stream().filter(c -> "UpdateService".equals(c.action())
                && Integer.valueOf(1).equals(c.desiredCount())).findFirst().orElseThrow();
        Duration toStart = Duration.between(sigterm, start.at());
        assertThat(toStart).as("UpdateService(1) after SIGTERM\n" + first.output()).isLessThan(Duration.ofSeconds(25));
        assertThat(first.waitFor(60)).as("the process exits within 60 s\n" + first.output()).isTrue();
        Duration toExit = Duration.between(sigterm, Instant.now());
        assertThat(ecs.desired()).isEqualTo(1);
        System.out.println("SigtermIT: UpdateService(1) " + toStart.toMillis() + " ms after SIGTERM, exit "
                + toExit.toMillis() + " ms after SIGTERM");

        // no half (store, date): each store is complete or absent
        scene.assertEachStoreWholeOrAbsent("after SIGTERM");
        assertThat(scene.duck().totals("tienda_02", d).rows()).as("the store in flight was rolled back").isZero();

        // the ledger says the start was requested, not confirmed: the run stays open for the next start
        RunRecord aborted = LedgerFile.read(scene.data(), l -> l.recentRuns(5)).stream()
                .filter(r -> r.kind().equals("catch-up")).findFirst().orElseThrow();
        assertThat(aborted.status()).isEqualTo("RUNNING");
        assertThat(aborted.backendState()).isEqualTo("START_REQUESTED");
        assertThat(aborted.reason()).startsWith("aborted: store loads in flight rolled back, backend start requested");
        // the stop's log line names the run it interrupts (a warning only then)
        assertThat(first.output()).contains("Stopping: the process is stopping (SIGTERM or stop request); window run #"
                + aborted.id() + " in progress gives up its store in flight");
        List<StepRecord> steps = LedgerFile.read(scene.data(), l -> l.steps(aborted.id()));
        assertThat(steps).filteredOn(s -> s.step().equals("start-backend")).singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo("REQUESTED"));
        List<AttemptRecord> attempts = LedgerFile.read(scene.data(), l -> l.attempts(aborted.id()));
        assertThat(attempts).as(first.output()).noneMatch(a -> a.status().equals("RUNNING"));
        assertThat(attempts).filteredOn(a -> a.storeId().equals("tienda_02")).singleElement()
                .satisfies(a -> assertThat(a.error()).startsWith("stopped:"));

        // the next start closes the run, resumes the night inside the window and confirms the backend runs
        scene.slowStore.slow(Duration.ZERO);
        JarProcess second = start("second", "stop-first");
        second.await("the recovery window", 120, () -> second.output().contains("(recovery) SUCCEEDED"));
        second.await("the backend running", 60, () -> ecs.desired() == 1 && ecs.running() == 1);
        second.terminate();
        assertThat(second.waitFor(60)).isTrue();
        scene.assertEveryStoreLoadedOnce();
        RunRecord closed = LedgerFile.read(scene.data(), l -> l.run(aborted.id()).orElseThrow());
        assertThat(closed.status()).isEqualTo("FAILED");
        assertThat(closed.reason()).startsWith("interrupted: the process stopped during the run (backend START_REQUESTED)")
                .contains("aborted:");
    }

    /**
     * The default strategy, staged: SIGTERM while a store stages (the backend serving). The backend is never scaled
     * down, nothing staged is merged, and the run stays open, so that the next start inside the window runs the
     * night (before the fix, the run closed FAILED counted as tonight's window and the next start did nothing).
     */
    @Test
    void stagedSigtermWhileStagingNeverStopsTheBackendAndTheNextStartRunsTheNight() throws Exception {
        scene.slowStore.slow(Duration.ofMillis(300));
        JarProcess first = start("first", "staged");
        first.await("tienda_02 half staged", 120, () -> first.output()
                .matches("(?s).*Store tienda_02 " + d + ": [0-9]+ rows \\(.*"));
        first.terminate();
        assertThat(first.waitFor(60)).as("the process exits within 60 s\n" + first.output()).isTrue();

        assertThat(ecs.calls()).as("the backend is never scaled while staging\n" + first.output())
                .noneMatch(c -> "UpdateService".equals(c.action()));
        assertThat(ecs.desired()).isEqualTo(1);
        if (scene.duck().exists()) {
            for (String id : STORES) {
                assertThat(scene.duck().totals(id, d).rows()).as(id + ": nothing staged is merged after a SIGTERM")
                        .isZero();
            }
        }
        RunRecord stopped = LedgerFile.read(scene.data(), l -> l.recentRuns(5)).stream()
                .filter(r -> r.kind().equals("catch-up")).findFirst().orElseThrow();
        assertThat(stopped.status()).as("left open for the next start").isEqualTo("RUNNING");
        assertThat(stopped.backendState()).isEqualTo("UNTOUCHED");
        assertThat(stopped.reason()).startsWith("aborted: the process stopped before");

        scene.slowStore.slow(Duration.ZERO);
        JarProcess second = start("second", "staged");
        second.await("the night run again", 120, () -> second.output().contains("(catch-up) SUCCEEDED"));
        second.terminate();
        assertThat(second.waitFor(60)).isTrue();
        scene.assertEveryStoreLoadedOnce();
        RunRecord closed = LedgerFile.read(scene.data(), l -> l.run(stopped.id()).orElseThrow());
        assertThat(closed.status()).isEqualTo("FAILED");
        assertThat(closed.reason()).startsWith("interrupted: the process stopped during the run (backend UNTOUCHED)");
        assertThat(ecs.desired()).isEqualTo(1);
    }

    /**
     * Staged, SIGTERM when the merge has the writer lease (the backend stopped): the merge commits or rolls back
     * whole, the backend's start is sent before the process exits, and the next start leaves every store loaded
     * exactly once.
     */
    @Test
    void stagedSigtermDuringTheMergeStartsTheBackendAndLeavesNoHalfDay() throws Exception {
        // tienda_01 gets 150,000 more rows that day: the merge lasts long enough for the signal to land in it
        scene.addSales("tienda_01", 150_000);
        JarProcess first = start("first", "staged");
        first.await("the merge's writer lease", 180, () -> first.output().contains("DuckDB writer lease taken by window run"));
        Instant sigterm = Instant.now();
        first.terminate();
        assertThat(first.waitFor(60)).as("the process exits within 60 s\n" + first.output()).isTrue();
        assertThat(ecs.calls()).as(first.output()).anyMatch(c -> "UpdateService".equals(c.action())
                && Integer.valueOf(0).equals(c.desiredCount()));
        assertThat(ecs.desired()).as("the backend's start was sent before the exit").isEqualTo(1);
        EcsTestServer.Call up = ecs.calls().stream().filter(c -> "UpdateService".equals(c.action())
                && Integer.valueOf(1).equals(c.desiredCount())).reduce((a, b) -> b).orElseThrow();
        scene.assertEachStoreWholeOrAbsent("after SIGTERM in the merge");
        System.out.println("SigtermIT (staged, merge): UpdateService(1) "
                + Duration.between(sigterm, up.at()).toMillis() + " ms after SIGTERM");

        JarProcess second = start("second", "staged");
        second.await("the start-up decision", 60, () -> second.output().contains("Start-up recovery: "));
        if (second.output().contains("Start-up recovery: resume")) {
            second.await("the recovery window", 120, () -> second.output().contains("(recovery) SUCCEEDED"));
        }
        second.await("the backend running", 60, () -> ecs.desired() == 1 && ecs.running() == 1);
        second.terminate();
        assertThat(second.waitFor(60)).isTrue();
        scene.assertEveryStoreLoadedOnce();
        List<RunRecord> runs = LedgerFile.read(scene.data(), l -> l.recentRuns(10));
        assertThat(runs).as("no run left open").noneMatch(r -> r.status().equals("RUNNING"));
    }
}
