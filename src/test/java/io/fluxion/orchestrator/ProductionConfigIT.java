package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.OwnerOnly;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.WindowHours;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar configured the way docs/OPERATIONS.md tells an operator to: the production example
 * file as the operator file (FLUXION_CONFIG), its addresses and secrets from the environment, against
 * an ECS-protocol server and H2 TCP stores. And a jar configured by environment variables alone.
 */
class ProductionConfigIT {
    static final Path EXAMPLE = Path.of("docs/application-production.example.properties").toAbsolutePath();
    static final LocalDate D = LocalDate.of(2026, 11, 20);
    static final String SOURCE_PASSWORD = "Src-pw-4471";

    @TempDir
    Path tmp;

    @Test
    void theProductionExampleFileAsOperationsSays() throws Exception {
        // the example's ECS names and stores; only the two paths of this machine change in the copy
        try (EcsTestServer ecs = EcsTestServer.start("FluxionStackV2-FluxionCluster", "FluxionStackV2-FluxionBackendService", 1);
             StoreServer stores = StoreServer.start(tmp.resolve("stores"))) {
            stores.createStore("tienda_01", false, D, D);
            stores.createStore("tienda_02", false, D, D);
            stores.createStore("tienda_08", true, D, D);
            for (String id : List.of("tienda_01", "tienda_02", "tienda_08")) {
                createUser(stores.url(id), "etl_reader", SOURCE_PASSWORD); // fluxion.source.user of the example
            }
            Path dataDir = tmp.resolve("data");
            Path duckdb = tmp.resolve("mnt/efs/fluxion.duckdb");
            String example = Files.readString(EXAMPLE);
            assertThat(example).contains("fluxion.data-dir = /data").contains("fluxion.duckdb.path = /mnt/efs/fluxion.duckdb")
                    .contains("fluxion.demo.enabled = false").contains("fluxion.backend.mode = ecs")
                    .contains("fluxion.backend.desired-count = 1").contains("fluxion.etl.parallelism = 2");
            Path operatorFile = Files.writeString(tmp.resolve("production.properties"), example
                    .replace("fluxion.data-dir = /data", "fluxion.data-dir = " + dataDir)
                    .replace("fluxion.duckdb.path = /mnt/efs/fluxion.duckdb", "fluxion.duckdb.path = " + duckdb));

            Map<String, String> env = new HashMap<>();
            env.put("FLUXION_CONFIG", operatorFile.toString());
            env.put("FLUXION_SOURCE_PASSWORD", SOURCE_PASSWORD);
            // the stores' addresses of this test over the example's 192.168.x.x (environment over file)
            for (String id : List.of("tienda_01", "tienda_02", "tienda_08")) {
                env.put("FLUXION_STORES_" + id.toUpperCase() + "_URL", stores.url(id));
            }
            env.put("FLUXION_BACKEND_ECS_ENDPOINT", ecs.endpoint());
            env.put("AWS_ACCESS_KEY_ID", "test-key");
            env.put("AWS_SECRET_ACCESS_KEY", "test-secret");
            // one key on three layers: file 1 < environment 2 < -D 3
            env.put("FLUXION_BACKEND_DESIRED_COUNT", "2");
            List<String> jvm = new ArrayList<>(List.of("-Dfluxion.backend.desired-count=3",
                    "-Dfluxion.backend.poll-interval=100ms"));
            jvm.addAll(WindowHours.farFromNowArgs()); // the real hour stays far outside the window

            Path work = Files.createDirectories(tmp.resolve("work"));
            JarProcess.Result r = JarProcess.run(work, jvm, env, 180, "run-window", "--date", D.toString());

            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("2 total, 2 succeeded, 0 failed")
                    .contains("operator file " + operatorFile)
                    .contains("FLUXION_STORES_TIENDA_01_URL").contains("-D: fluxion.backend.desired-count")
                    .doesNotContain(SOURCE_PASSWORD);
            // the file's settings, not the jar's: no demo, backend ecs (stopped, then started with -D's count)
            assertThat(ecs.briefs()).startsWith("UpdateService(0)").contains("UpdateService(3)")
                    .doesNotContain("UpdateService(1)", "UpdateService(2)");
            assertThat(ecs.desired()).isEqualTo(3);
            assertThat(dataDir.resolve("demo")).doesNotExist();
            assertThat(work.resolve("data")).as("nothing under the working dir's ./data").doesNotExist();
            DuckDbFile duck = new DuckDbFile(duckdb);
            assertThat(duck.totals("tienda_01", D)).isEqualTo(stores.totals("tienda_01", D));
            assertThat(duck.totals("tienda_02", D)).isEqualTo(stores.totals("tienda_02", D));
            assertThat(duck.totals("tienda_08", D).rows()).as("a KLK store is not in the window").isZero();
            assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).isEqualTo(
                    stores.totals("tienda_01", D).rows() + stores.totals("tienda_02", D).rows());
            // the ledger and the logs in the file's data dir
            List<RunRecord> runs = LedgerFile.read(dataDir, l -> l.recentRuns(5));
            assertThat(runs).singleElement().satisfies(run -> assertThat(run.status()).isEqualTo("SUCCEEDED"));
            Path logs = dataDir.resolve("logs");
            assertThat(Files.readString(logs.resolve("fluxion.log"))).contains("Configuration sources")
                    .contains("Window run").doesNotContain(SOURCE_PASSWORD);
            // everything the app created is its owner's only
            assertThat(Files.getPosixFilePermissions(dataDir)).isEqualTo(OwnerOnly.DIR);
            assertThat(Files.getPosixFilePermissions(duckdb.getParent())).isEqualTo(OwnerOnly.DIR);
            assertThat(Files.getPosixFilePermissions(logs)).isEqualTo(OwnerOnly.DIR);
            for (Path f : List.of(duckdb, dataDir.resolve("ledger.mv.db"), dataDir.resolve("fluxion.lock"),
                    logs.resolve("fluxion.log"), logs.resolve("fluxion-errors.log"))) {
                assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).isEqualTo(OwnerOnly.FILE);
            }
        }
    }

    @Test
    void aJarConfiguredByEnvironmentVariablesAloneRunsAWindow() throws Exception {
        try (EcsTestServer ecs = EcsTestServer.start("c1", "backend", 1);
             StoreServer stores = StoreServer.start(tmp.resolve("stores"))) {
            for (String id : List.of("tienda_01", "tienda_02", "tienda_03")) {
                stores.createStore(id, false, D, D);
            }
            createUser(stores.url("tienda_01"), "etl1", "Own-pw-1183");
            createUser(stores.url("tienda_03"), "etl_shared", SOURCE_PASSWORD);

            Path dataDir = tmp.resolve("data-env");
            Map<String, String> env = new HashMap<>();
            env.put("FLUXION_DATA_DIR", dataDir.toString());
            env.put("FLUXION_DEMO_ENABLED", "false");
            WindowHours.farFromNow().forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_'), v));
            env.put("FLUXION_BACKEND_MODE", "ecs");
            env.put("FLUXION_BACKEND_ECS_CLUSTER", "c1");
            env.put("FLUXION_BACKEND_ECS_SERVICE", "backend");
            env.put("FLUXION_BACKEND_ECS_REGION", EcsTestServer.REGION);
            env.put("FLUXION_BACKEND_ECS_ENDPOINT", ecs.endpoint());
            env.put("FLUXION_BACKEND_POLL_INTERVAL", "100ms");
            env.put("AWS_ACCESS_KEY_ID", "test-key");
            env.put("AWS_SECRET_ACCESS_KEY", "test-secret");
            // tienda_01: every setting, its own credentials
            env.put("FLUXION_STORES_TIENDA_01_URL", stores.url("tienda_01"));
            env.put("FLUXION_STORES_TIENDA_01_NAME", "PERIFERICO");
            env.put("FLUXION_STORES_TIENDA_01_SYSTEM", "legacy");
            env.put("FLUXION_STORES_TIENDA_01_ENABLED", "true");
            env.put("FLUXION_STORES_TIENDA_01_USER", "etl1");
            env.put("FLUXION_STORES_TIENDA_01_PASSWORD", "Own-pw-1183");
            // tienda_02: disabled; tienda_03: the shared credentials
            env.put("FLUXION_STORES_TIENDA_02_URL", stores.url("tienda_02"));
            env.put("FLUXION_STORES_TIENDA_02_ENABLED", "false");
            env.put("FLUXION_STORES_TIENDA_03_URL", stores.url("tienda_03"));
            env.put("FLUXION_SOURCE_USER", "etl_shared");
            env.put("FLUXION_SOURCE_PASSWORD", SOURCE_PASSWORD);

            Path work = Files.createDirectories(tmp.resolve("work"));
            JarProcess.Result r = JarProcess.run(work, List.of(), env, 180, "run-window", "--date", D.toString());

            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("2 total, 2 succeeded, 0 failed").contains("PERIFERICO")
                    .doesNotContain("Own-pw-1183").doesNotContain(SOURCE_PASSWORD);
            assertThat(ecs.briefs()).startsWith("UpdateService(0)").contains("UpdateService(1)");
            DuckDbFile duck = new DuckDbFile(dataDir.resolve("fluxion.duckdb"));
            assertThat(duck.totals("tienda_01", D)).isEqualTo(stores.totals("tienda_01", D));
            assertThat(duck.totals("tienda_03", D)).isEqualTo(stores.totals("tienda_03", D));
            assertThat(duck.totals("tienda_02", D).rows()).as("disabled").isZero();
            // logs follow the data dir set in the environment
            assertThat(dataDir.resolve("logs/fluxion.log")).exists();
            assertThat(work.resolve("data")).doesNotExist();
            try (Stream<Path> files = Files.list(work)) {
                assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.startsWith("jar"));
            }
        }
    }

    static void createUser(String url, String user, String password) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD '" + password + "' ADMIN");
        }
    }
}
