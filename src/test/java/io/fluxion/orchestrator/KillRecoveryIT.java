package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.JarScene;
import io.fluxion.orchestrator.testing.LedgerFile;
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
 * The packaged jar is killed with SIGKILL at several points of a window ({@code run-window} against
 * an ECS-protocol server and H2 TCP stores), then started again as the service. Every time: DuckDB
 * holds each (store, date) either completely or not at all right after the kill, the restarted
 * service finishes the job from the ledger, the backend ends running, nothing is duplicated, and
 * the ledger tells what happened.
 *
 * <p>The window hours are placed around the current time (a zone offset that makes it about noon),
 * so the restart is "inside the window" without a test clock in the other process.
 */
class KillRecoveryIT {
    enum KillPoint { WHILE_DRAINING, MID_STORE, BETWEEN_STORES, WHILE_RESTARTING }

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
    void aKilledWindowIsFinishedByTheNextStart(KillPoint point) throws Exception {
        EcsTestServer ecs = scene.ecs;
        LocalDate d = scene.d;
        if (point == KillPoint.WHILE_DRAINING) {
            ecs.convergeEvery(100_000); // the tasks take their time to stop
        }
        if (point != KillPoint.WHILE_DRAINING) {
            scene.slowStore.slow(Duration.ofMillis(150));
        }
        JarProcess window = scene.start("run-window", properties(), "run-window", "--date", d.toString());

        switch (point) {
            case WHILE_DRAINING -> window.await("UpdateService(0) and a poll", 120,
                    () -> ecs.briefs().contains("UpdateService(0)") && ecs.briefs().size() >= 3);
            case MID_STORE -> window.await("tienda_02 half pulled", 120, () -> window.output()
                    .matches("(?s).*Store tienda_02 " + d + ": [0-9]+ rows \\(.*"));
            case BETWEEN_STORES -> window.await("tienda_01 loaded", 120,
                    () -> window.output().contains("Store tienda_01 " + d + ": loaded"));
            case WHILE_RESTARTING -> {
                window.await("the backend stopped", 120, () -> window.output().contains("backend stopped"));
                ecs.convergeEvery(100_000); // from now on the tasks take their time to start
                scene.slowStore.slow(Duration.ZERO);
                window.await("UpdateService(1)", 120, () -> ecs.briefs().contains("UpdateService(1)"));
            }
        }
        window.kill(); // SIGKILL: no finally step runs

        if (point == KillPoint.WHILE_RESTARTING) {
            assertThat(ecs.running()).as("the dead process left the backend without tasks").isZero();
        } else {
            assertThat(ecs.desired()).as("the dead process left the backend scaled down").isZero();
        }
        scene.assertEachStoreWholeOrAbsent("after the kill");

        // the next start of the service finishes the job
        ecs.convergeEvery(1);
        scene.slowStore.slow(Duration.ZERO);
        JarProcess service = scene.start("service", properties());
        String done = point == KillPoint.WHILE_RESTARTING ? "Start-up recovery: backend started"
                : "(recovery) SUCCEEDED";
        service.await("the recovery", 120, () -> service.output().contains(done));
        service.await("the backend running", 120, () -> ecs.desired() == 1 && ecs.running() == 1);
        service.terminate(); // a graceful stop, so the ledger and DuckDB files can be read
        assertThat(service.waitFor(60)).isTrue();
        scene.assertEveryStoreLoadedOnce();

        List<RunRecord> runs = LedgerFile.read(scene.data(), l -> l.recentRuns(10));
        RunRecord killed = runs.stream().filter(r -> r.kind().equals("cli")).findFirst().orElseThrow();
        assertThat(killed.status()).isEqualTo("FAILED");
        assertThat(killed.reason()).startsWith("interrupted: the process stopped during the run");
        RunRecord recovery = runs.stream().filter(r -> r.kind().equals("recovery")).findFirst().orElseThrow();
        assertThat(recovery.status()).isEqualTo("SUCCEEDED");
        assertThat(recovery.backendState()).isEqualTo("STARTED");
        List<AttemptRecord> attempts = LedgerFile.read(scene.data(), l -> l.attempts(killed.id()));
        assertThat(attempts).noneMatch(a -> a.status().equals("RUNNING"));
        if (point == KillPoint.MID_STORE) {
            assertThat(attempts).anyMatch(a -> a.storeId().equals("tienda_02") && a.status().equals("FAILED")
                    && a.error().startsWith("interrupted"));
            assertThat(recovery.storeIds()).contains("tienda_02").doesNotContain("tienda_01");
        }
    }

    private Map<String, String> properties() {
        // the kill points of stop-first (the backend down for the whole pull); staged: StagedKillRecoveryIT
        Map<String, String> p = scene.properties("stop-first");
        p.put("fluxion.etl.chunk-size", "200");
        return p;
    }
}
