package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
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
    static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03");

    enum KillPoint { WHILE_DRAINING, MID_STORE, BETWEEN_STORES, WHILE_RESTARTING }

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
        // the source's truth, read once before any window (the product only reads it)
        for (String id : STORES) {
            source.put(id, stores.totals(id, d));
            assertThat(source.get(id).rows()).isPositive();
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
    void aKilledWindowIsFinishedByTheNextStart(KillPoint point) throws Exception {
        Path first = work.resolve("run-window.out");
        if (point == KillPoint.WHILE_DRAINING) {
            ecs.convergeEvery(100_000); // the tasks take their time to stop
        }
        if (point != KillPoint.WHILE_DRAINING) {
            slowStore.slow(Duration.ofMillis(150));
        }
        JarProcess window = start(first, "run-window", "--date", d.toString());

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
                slowStore.slow(Duration.ZERO);
                window.await("UpdateService(1)", 120, () -> ecs.briefs().contains("UpdateService(1)"));
            }
        }
        window.kill(); // SIGKILL: no finally step runs

        if (point == KillPoint.WHILE_RESTARTING) {
            assertThat(ecs.running()).as("the dead process left the backend without tasks").isZero();
        } else {
            assertThat(ecs.desired()).as("the dead process left the backend scaled down").isZero();
        }
        DuckDbFile duck = new DuckDbFile(work.resolve("data/fluxion.duckdb"));
        if (Files.exists(work.resolve("data/fluxion.duckdb"))) {
            for (String id : STORES) {
                StoreServer.Totals t = duck.totals(id, d);
                assertThat(t.rows() == 0 || t.equals(source.get(id)))
                        .as(id + " is either fully loaded or absent after the kill, got " + t).isTrue();
            }
        }

        // the next start of the service finishes the job
        ecs.convergeEvery(1);
        slowStore.slow(Duration.ZERO);
        Path second = work.resolve("service.out");
        JarProcess service = start(second);
        String done = point == KillPoint.WHILE_RESTARTING ? "Start-up recovery: backend started"
                : "(recovery) SUCCEEDED";
        service.await("the recovery", 120, () -> service.output().contains(done));
        service.await("the backend running", 120, () -> ecs.desired() == 1 && ecs.running() == 1);
        service.terminate(); // a graceful stop, so the ledger and DuckDB files can be read
        assertThat(service.waitFor(60)).isTrue();

        for (String id : STORES) {
            assertThat(duck.totals(id, d)).as(id + "\n--- run-window:\n" + window.output() + "\n--- service:\n"
                    + service.output()).isEqualTo(source.get(id));
        }
        long expected = source.values().stream().mapToLong(StoreServer.Totals::rows).sum();
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).as("no duplicate").isEqualTo(expected);

        List<RunRecord> runs = LedgerFile.read(work.resolve("data"), l -> l.recentRuns(10));
        RunRecord killed = runs.stream().filter(r -> r.kind().equals("cli")).findFirst().orElseThrow();
        assertThat(killed.status()).isEqualTo("FAILED");
        assertThat(killed.reason()).startsWith("interrupted: the process stopped during the run");
        RunRecord recovery = runs.stream().filter(r -> r.kind().equals("recovery")).findFirst().orElseThrow();
        assertThat(recovery.status()).isEqualTo("SUCCEEDED");
        assertThat(recovery.backendState()).isEqualTo("STARTED");
        List<AttemptRecord> attempts = LedgerFile.read(work.resolve("data"), l -> l.attempts(killed.id()));
        assertThat(attempts).noneMatch(a -> a.status().equals("RUNNING"));
        if (point == KillPoint.MID_STORE) {
            assertThat(attempts).anyMatch(a -> a.storeId().equals("tienda_02") && a.status().equals("FAILED")
                    && a.error().startsWith("interrupted"));
            assertThat(recovery.storeIds()).contains("tienda_02").doesNotContain("tienda_01");
        }
    }

    private JarProcess start(Path out, String... args) throws Exception {
        Map<String, String> p = new LinkedHashMap<>(JarProcess.windowAroundNow(zone));
        p.put("fluxion.log-dir", work.resolve("logs").toString());
        p.put("camel.server.enabled", "false");
        p.put("camel.management.enabled", "false");
        p.put("fluxion.window.recovery-days", "0");
        // the kill points of stop-first (the backend down for the whole pull); staged: StagedKillRecoveryIT
        p.put("fluxion.window.strategy", "stop-first");
        p.put("fluxion.klk.enabled", "false");
        p.put("fluxion.etl.chunk-size", "200");
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
