package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.RunWindowCommand;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.DuckDbHolder;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.LogCapture;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The whole window (run-window, the real routes and beans) with {@code fluxion.backend.mode=ecs}:
 * the real AWS SDK {@link EcsClient} against {@link EcsTestServer}, stores on a real H2 TCP server,
 * DuckDB and the ledger in real files. Whatever happens in between (a store fails, the ETL throws,
 * DuckDB is held by another process, ECS throttles or fails) the backend is scaled back and ends
 * running; a service that never drains leaves DuckDB untouched; one that never comes back is an ALERT.
 */
class EcsWindowTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);
    static final String CLUSTER = "fluxion-cluster";
    static final String SERVICE = "fluxion-backend";
    /** The full, happy ECS conversation: scale to 0, polls until drained, (loads), scale to 1, polls until running. */
    static final List<String> STOP_THEN_START = List.of("UpdateService(0)", "DescribeServices->1", "DescribeServices->0",
            "UpdateService(1)", "DescribeServices->0", "DescribeServices->1");

    @TempDir
    static Path shared;
    static StoreServer stores;

    @TempDir
    Path tmp;
    TcpProxy proxy;
    EcsTestServer ecs;
    EcsClient client;
    Path data;
    Map<String, String> props;

    @BeforeAll
    static void startStores() {
        stores = StoreServer.start(shared.resolve("stores"));
        for (String id : List.of("tienda_01", "tienda_02")) {
            stores.createStore(id, false, D, D);
        }
    }

    @AfterAll
    static void stopStores() {
        stores.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        proxy = new TcpProxy(stores.port());
        data = tmp.resolve("data");
        props = Apps.base(data);
        props.putAll(stores.storeProperties(List.of("tienda_01", "tienda_02"), "tienda_02", proxy.port()));
        props.put("fluxion.etl.chunk-size", "500");
        // the ECS conversation of stop-first (the backend down for the whole pull); staged: StagedStrategyTest
        props.put("fluxion.window.strategy", "stop-first");
        // one attempt per store: a failed store is not tried again 20 minutes later
        props.put("fluxion.etl.max-attempts", "1");
        // one task, which ECS stops (and starts) over two polls
        ecs = EcsTestServer.start(CLUSTER, SERVICE, 1).convergeEvery(2);
        props.putAll(ecs.properties());
        props.put("fluxion.backend.stop-timeout", "10s");
        props.put("fluxion.backend.start-timeout", "10s");
        // SDK retries off: every call EcsBackendControl makes is one call the server records
        client = ecs.client(false);
        // the first SDK call of a JVM loads classes for a second or more: not part of any timed step
        client.describeServices(b -> b.cluster(CLUSTER).services(SERVICE));
        client.updateService(b -> b.cluster(CLUSTER).service(SERVICE));
        ecs.clearCalls();
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        ecs.close();
        proxy.close();
    }

    Apps.WindowResult runWindow() {
        return Apps.runWindowWith(props, Map.of("ecsClient", client), "--date", D.toString());
    }

    RunRecord lastRun() {
        return LedgerFile.read(data, l -> l.recentRuns(1).get(0));
    }

    List<StepRecord> steps(long runId) {
        return LedgerFile.read(data, l -> l.steps(runId));
    }

    List<AttemptRecord> attempts(long runId) {
        return LedgerFile.read(data, l -> l.attempts(runId));
    }

    DuckDbFile duck() {
        return new DuckDbFile(data.resolve("fluxion.duckdb"));
    }

    Instant at(String brief) {
        return ecs.calls().stream().filter(c -> c.brief().equals(brief)).findFirst().orElseThrow().at();
    }

    /** The backend ends as it began, and the run says so. */
    void assertBackendRestored(RunRecord run) {
        assertThat(ecs.desired()).isEqualTo(1);
        assertThat(ecs.running()).isEqualTo(1);
        assertThat(run.backendMode()).isEqualTo("ecs");
        assertThat(run.backendState()).isEqualTo("STARTED");
        assertThat(run.backendStartedAt()).isNotNull();
    }

    @Test
    void stopsTheServiceLoadsEveryStoreThenStartsItAgainInThatOrder() {
        Apps.WindowResult r = runWindow();

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(ecs.briefs()).containsExactlyElementsOf(STOP_THEN_START);
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertBackendRestored(run);
        // every load ran while nothing was running: after the drained poll, before the scale-up
        Instant drained = at("DescribeServices->0");
        Instant scaleUp = at("UpdateService(1)");
        List<AttemptRecord> attempts = attempts(run.id());
        assertThat(attempts).hasSize(2).allMatch(a -> a.status().equals("SUCCEEDED"));
        assertThat(attempts).allSatisfy(a -> {
            assertThat(a.startedAt()).isAfterOrEqualTo(drained);
            assertThat(a.endedAt()).isBeforeOrEqualTo(scaleUp);
        });
        assertThat(steps(run.id())).extracting(StepRecord::step).containsExactly("guard", "probe-stores", "stop-backend", "etl",
                "release-duckdb", "start-backend", "summary");
        for (String id : List.of("tienda_01", "tienda_02")) {
            assertThat(duck().totals(id, D)).as(id).isEqualTo(stores.totals(id, D));
        }
        assertThat(r.output()).contains("2 total, 2 succeeded, 0 failed").contains("backend downtime: ");
        // a client the caller bound is the caller's: the app did not close it
        assertThat(client.describeServices(b -> b.cluster(CLUSTER).services(SERVICE)).services()).hasSize(1);
    }

    @Test
    void aStoreThatFailsEndsWithTheSameRestart() {
        proxy.refuse(true);

        Apps.WindowResult r = runWindow();

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(ecs.briefs()).containsExactlyElementsOf(STOP_THEN_START);
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.reason()).contains("tienda_02");
        assertBackendRestored(run);
        AttemptRecord failed = attempts(run.id()).stream().filter(a -> a.storeId().equals("tienda_02")).findFirst()
                .orElseThrow();
        assertThat(failed.error()).contains("source unreachable");
        assertThat(duck().totals("tienda_01", D)).isEqualTo(stores.totals("tienda_01", D));
        assertThat(duck().totals("tienda_02", D).rows()).isZero();
        assertThat(r.output()).contains("2 total, 1 succeeded, 1 failed");
    }

    @Test
    void anUnwritableDuckDbPathFailsTheRunWithTheReasonAndTheBackendIsRestarted() throws Exception {
        // root ignores permissions: a regular file where the DuckDB folder should be cannot be written by anyone
        Path notADir = Files.writeString(tmp.resolve("not-a-folder"), "a file, not a folder");
        props.put("fluxion.duckdb.path", notADir.resolve("analytics").resolve("fluxion.duckdb").toString());

        Apps.WindowResult r;
        try (LogCapture log = new LogCapture()) {
            r = runWindow();
            assertThat(log.lines("ERROR")).anyMatch(l -> l.contains("cannot create the folder of the DuckDB file")
                    && l.contains("Not a directory"));
        }

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(ecs.briefs()).containsExactlyElementsOf(STOP_THEN_START);
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.reason()).contains("cannot create the folder of the DuckDB file").contains("Not a directory");
        assertBackendRestored(run);
        assertThat(steps(run.id())).filteredOn(s -> s.step().equals("etl")).singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo("FAILED"));
        assertThat(r.output()).contains("FAILED: ").contains("Not a directory");
    }

    @Test
    void aFullDiskFailsTheRunWithTheReasonAndTheBackendIsRestarted() throws Exception {
        // a real ENOSPC from the OS: the DuckDB file is /dev/full, where every write fails with "No space left on device"
        Path devFull = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.exists(devFull), "needs Linux /dev/full");
        Files.createDirectories(data);
        Files.createSymbolicLink(data.resolve("fluxion.duckdb"), devFull);

        Apps.WindowResult r;
        try (LogCapture log = new LogCapture()) {
            r = runWindow();
            assertThat(log.lines("ERROR")).anyMatch(l -> l.contains("No space left on device"));
        }

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(ecs.briefs()).containsExactlyElementsOf(STOP_THEN_START);
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.reason()).contains("DuckDB file").contains("No space left on device");
        assertBackendRestored(run);
        assertThat(attempts(run.id())).isEmpty();
        assertThat(r.output()).contains("No space left on device");
    }

    @Test
    void aServiceThatNeverDrainsLeavesDuckDbUntouchedAndIsStartedAgain() {
        props.put("fluxion.backend.stop-timeout", "500ms");
        ecs.neverDrain(true);

        Apps.WindowResult r;
        try (LogCapture log = new LogCapture()) {
            r = runWindow();
            assertThat(log.lines("ERROR")).anyMatch(l -> l.contains("did not drain"));
        }

        assertThat(r.exitCode()).isEqualTo(1);
        List<String> calls = ecs.briefs();
        int up = calls.indexOf("UpdateService(1)");
        assertThat(calls.get(0)).isEqualTo("UpdateService(0)");
        assertThat(calls.subList(1, up)).isNotEmpty().containsOnly("DescribeServices->1");
        assertThat(calls.subList(up, calls.size())).containsExactly("UpdateService(1)", "DescribeServices->1");
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.reason()).contains("backend did not stop")
                .contains("ECS service fluxion-backend in cluster fluxion-cluster did not drain (runningCount == 0) within 500ms");
        assertBackendRestored(run);
        // DuckDB was never opened: no file, no store attempt
        assertThat(duck().exists()).isFalse();
        assertThat(attempts(run.id())).isEmpty();
        assertThat(steps(run.id())).extracting(StepRecord::step).doesNotContain("etl");
        assertThat(r.output()).contains("did not drain");
    }

    @Test
    void anEcsErrorThatLastsTheWholeStopFailsTheRunLeavesDuckDbUntouchedAndRestoresTheBackend() {
        props.put("fluxion.backend.stop-timeout", "1s");
        // ECS refuses the scale-down (5xx) for longer than the stop may take; the scale-up works
        ecs.failUpdatesTo(0, Integer.MAX_VALUE, 500);

        Apps.WindowResult r = runWindow();

        assertThat(r.exitCode()).isEqualTo(1);
        List<String> calls = ecs.briefs();
        int up = calls.indexOf("UpdateService(1)");
        assertThat(up).as("tried again: " + calls).isGreaterThanOrEqualTo(2);
        assertThat(calls.subList(0, up)).containsOnly("UpdateService!ServerException");
        assertThat(calls.subList(up, calls.size())).containsExactly("UpdateService(1)", "DescribeServices->1");
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.reason()).contains("backend did not stop: ECS service fluxion-backend in cluster fluxion-cluster: "
                + "UpdateService desiredCount=0 still failing after " + up + " tries within 1s: ServerException (HTTP 500)");
        assertBackendRestored(run);
        assertThat(duck().exists()).isFalse();
        assertThat(r.output()).contains("UpdateService desiredCount=0 still failing");
    }

    @Test
    void aServiceThatNeverComesBackIsAnAlertNamingTheService() {
        props.put("fluxion.backend.start-timeout", "500ms");
        ecs.neverComeBack(true);

        Apps.WindowResult r;
        try (LogCapture log = new LogCapture()) {
            r = runWindow();
            assertThat(log.lines("ERROR")).anyMatch(l -> l.contains("ALERT") && l.contains(SERVICE)
                    && l.contains("did not come back"));
        }

        assertThat(r.exitCode()).isEqualTo(1);
        List<String> calls = ecs.briefs();
        assertThat(calls.subList(0, 4)).containsExactly("UpdateService(0)", "DescribeServices->1", "DescribeServices->0",
                "UpdateService(1)");
        assertThat(calls.subList(4, calls.size())).isNotEmpty().containsOnly("DescribeServices->0");
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.backendState()).isEqualTo("START_FAILED");
        assertThat(run.reason()).contains("ALERT backend did not come back")
                .contains("ECS service fluxion-backend in cluster fluxion-cluster");
        assertThat(steps(run.id())).filteredOn(s -> s.step().equals("start-backend")).singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo("FAILED"));
        // the data itself was loaded
        assertThat(duck().totals("tienda_01", D)).isEqualTo(stores.totals("tienda_01", D));
        assertThat(r.output()).contains("ALERT");
    }

    @Test
    void serverErrorsWhilePollingAreRetriedAndTheRunSucceeds() {
        ecs.failNext("DescribeServices", 3, 503);

        Apps.WindowResult r = runWindow();

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(ecs.briefs()).containsExactly("UpdateService(0)", "DescribeServices!ServerException",
                "DescribeServices!ServerException", "DescribeServices!ServerException", "DescribeServices->1",
                "DescribeServices->0", "UpdateService(1)", "DescribeServices->0", "DescribeServices->1");
        RunRecord run = lastRun();
        assertBackendRestored(run);
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        // what the stop had to overcome is in the ledger
        assertThat(steps(run.id())).filteredOn(s -> s.step().equals("stop-backend")).singleElement()
                .satisfies(s -> assertThat(s.detail()).isEqualTo("backend stopped (ecs); 3 transient ECS error(s) retried, "
                        + "last: ServerException (HTTP 503): Service unavailable (injected 503)"));
    }

    @Test
    void throttlingIsRetriedByTheSdkAndByTheControlAndTheRunSucceeds() {
        // the client the app builds itself (SDK standard retries: 3 attempts per call), with dummy credentials
        String oldKey = System.setProperty("aws.accessKeyId", "test-key");
        String oldSecret = System.setProperty("aws.secretAccessKey", "test-secret");
        try {
            // 4 throttles: the first UpdateService call spends its 3 SDK attempts, the control tries it again,
            // and the SDK's first attempt of that second call is throttled once more
            ecs.throttleNext("UpdateService", 4);

            Apps.WindowResult r;
            try (LogCapture log = new LogCapture()) {
                r = Apps.runWindowWith(props, Map.of(), "--date", D.toString());
                assertThat(log.lines("WARN")).anyMatch(l -> l.contains("ECS UpdateService desiredCount=0 failed (try 1)")
                        && l.contains("ThrottlingException (HTTP 400): Rate exceeded"));
            }

            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(ecs.briefs()).containsExactly("UpdateService!ThrottlingException",
                    "UpdateService!ThrottlingException", "UpdateService!ThrottlingException",
                    "UpdateService!ThrottlingException", "UpdateService(0)", "DescribeServices->1", "DescribeServices->0",
                    "UpdateService(1)", "DescribeServices->0", "DescribeServices->1");
            RunRecord run = lastRun();
            assertBackendRestored(run);
            assertThat(steps(run.id())).filteredOn(s -> s.step().equals("stop-backend")).singleElement()
                    .satisfies(s -> assertThat(s.detail()).contains("1 transient ECS error(s) retried, last: ThrottlingException"));
        } finally {
            restore("aws.accessKeyId", oldKey);
            restore("aws.secretAccessKey", oldSecret);
        }
    }

    @Test
    void aDuckDbFileHeldByAnotherProcessFailsNamingTheLockAndTheBackendIsRestarted() throws Exception {
        Files.createDirectories(data);
        Apps.WindowResult r;
        long holderPid;
        try (DuckDbHolder holder = DuckDbHolder.start(data.resolve("fluxion.duckdb"));
             LogCapture log = new LogCapture()) {
            holderPid = holder.pid();
            r = runWindow();
            assertThat(log.lines("ERROR")).anyMatch(l -> l.contains("is locked by another process"));
        }

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(ecs.briefs()).containsExactlyElementsOf(STOP_THEN_START);
        RunRecord run = lastRun();
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.reason()).contains("DuckDB file " + data.resolve("fluxion.duckdb").toAbsolutePath().normalize())
                .contains("is locked by another process (PID " + holderPid + ")").contains("Conflicting lock is held");
        assertBackendRestored(run);
        assertThat(attempts(run.id())).isEmpty();
        assertThat(r.output()).contains("is locked by another process");
        // the holder's file is as it left it: no ventas_raw was created in it
        assertThat(duck().count("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'ventas_raw'")).isZero();
    }

    @Test
    void aClientTheAppBuiltIsClosedWhenTheAppStops() throws Exception {
        String oldKey = System.setProperty("aws.accessKeyId", "test-key");
        String oldSecret = System.setProperty("aws.secretAccessKey", "test-secret");
        Main main = FluxionApplication.newMain(RunWindowCommand.oneShotProperties(props));
        try {
            main.start();
            EcsClient built = main.getCamelContext().getRegistry().lookupByNameAndType("ecsClient", EcsClient.class);
            assertThat(built).isNotNull().isNotSameAs(client);
            assertThat(built.describeServices(b -> b.cluster(CLUSTER).services(SERVICE)).services()).hasSize(1);
            main.stop();
            // closed: its timer threads are terminated and its connection pool is shut down
            int before = ecs.calls().size();
            assertThatThrownBy(() -> built.describeServices(b -> b.cluster(CLUSTER).services(SERVICE)))
                    .hasMessageMatching("(?s).*(Terminated|shut down).*");
            assertThat(ecs.calls()).hasSize(before);
        } finally {
            main.shutdown();
            restore("aws.accessKeyId", oldKey);
            restore("aws.secretAccessKey", oldSecret);
        }
    }

    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }
}
