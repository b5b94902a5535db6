package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

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
    static final Path JAR = Path.of(System.getProperty("fluxion.jar", "target/fluxion-orchestrator.jar")).toAbsolutePath();
    static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03");

    enum KillPoint { WHILE_DRAINING, MID_STORE, BETWEEN_STORES, WHILE_RESTARTING }

    @TempDir
    Path work;
    StoreServer stores;
    TcpProxy slowStore;
    EcsTestServer ecs;
    ZoneOffset zone;
    LocalDate d;
    final List<Process> processes = new ArrayList<>();
    final Map<String, StoreServer.Totals> source = new LinkedHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        int utcHour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
        zone = ZoneOffset.ofHours(Math.max(-12, Math.min(12, 12 - utcHour)));
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
        for (Process p : processes) {
            p.destroyForcibly();
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
        Process window = start(first, "run-window", "--date", d.toString());

        switch (point) {
            case WHILE_DRAINING -> await("UpdateService(0) and a poll", window, first,
                    () -> ecs.briefs().contains("UpdateService(0)") && ecs.briefs().size() >= 3);
            case MID_STORE -> await("tienda_02 half pulled", window, first, () -> output(first)
                    .matches("(?s).*Store tienda_02 " + d + ": [0-9]+ rows \\(.*"));
            case BETWEEN_STORES -> await("tienda_01 loaded", window, first,
                    () -> output(first).contains("Store tienda_01 " + d + ": loaded"));
            case WHILE_RESTARTING -> {
                await("the backend stopped", window, first, () -> output(first).contains("backend stopped"));
                ecs.convergeEvery(100_000); // from now on the tasks take their time to start
                slowStore.slow(Duration.ZERO);
                await("UpdateService(1)", window, first, () -> ecs.briefs().contains("UpdateService(1)"));
            }
        }
        window.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no finally step runs

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
        Process service = start(second);
        String done = point == KillPoint.WHILE_RESTARTING ? "Start-up recovery: backend started"
                : "(recovery) SUCCEEDED";
        await("the recovery", service, second, () -> output(second).contains(done));
        await("the backend running", service, second, () -> ecs.desired() == 1 && ecs.running() == 1);
        service.destroy(); // a graceful stop, so the ledger and DuckDB files can be read
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();

        for (String id : STORES) {
            assertThat(duck.totals(id, d)).as(id + "\n--- run-window:\n" + output(first) + "\n--- service:\n"
                    + output(second)).isEqualTo(source.get(id));
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

    private Process start(Path out, String... args) throws Exception {
        int hour = ZonedDateTime.now(zone).getHour();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dfluxion.log-dir=" + work.resolve("logs"), "-Dcamel.server.enabled=false",
                "-Dcamel.management.enabled=false",
                "-Dfluxion.window.zone=" + zone.getId(),
                "-Dfluxion.window.start=" + String.format("%02d:00", hour - 1),
                "-Dfluxion.window.end=" + String.format("%02d:00", hour + 3),
                "-Dfluxion.window.recovery-days=0", "-Dfluxion.klk.enabled=false",
                "-Dfluxion.etl.chunk-size=200", "-Dfluxion.etl.redelivery-delay=50ms",
                "-Dfluxion.backend.poll-interval=100ms", "-Dfluxion.backend.stop-timeout=3m",
                "-Dfluxion.backend.start-timeout=3m"));
        ecs.properties().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        stores.storeProperties(STORES, "tienda_02", slowStore.port()).forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", "test-key");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test-secret");
        pb.environment().put("AWS_REGION", EcsTestServer.REGION);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static String output(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }

    private static void await(String what, Process p, Path out, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertThat(p.isAlive()).as("process ended before: " + what + "\n" + output(out)).isTrue();
            assertThat(System.nanoTime()).as("waiting for " + what + "\n" + output(out)).isLessThan(end);
            Thread.sleep(20);
        }
    }
}
