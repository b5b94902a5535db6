package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.WindowHours;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, configured with source passwords (a shared one in the environment, one in a
 * store's JDBC URL, a wrong one that makes the driver fail) and an API token, runs a window and then
 * the service; neither its log files nor its console hold any of the secrets, nor the password of the
 * KLK backend's URL (https://user:password@host).
 */
class SecretsInLogsIT {
    static final LocalDate D = LocalDate.of(2026, 11, 20);
    static final String SHARED_PASSWORD = "Pw-shared-8841";
    static final String URL_PASSWORD = "Pw-inurl-5531";
    static final String WRONG_PASSWORD = "Pw-wrong-7719";
    static final String TOKEN = "Tok-api-6620-fluxion-0123456789abcdef";
    static final String KLK_PASSWORD = "Pw-klk-3307";

    @TempDir
    Path work;

    @Test
    void noPasswordNorTokenReachesTheLogs() throws Exception {
        Path logs = work.resolve("logs");
        try (StoreServer stores = StoreServer.start(work.resolve("stores"))) {
            for (String id : List.of("tienda_01", "tienda_02", "tienda_03")) {
                stores.createStore(id, false, D, D);
            }
            createUser(stores.url("tienda_01"), "etl", SHARED_PASSWORD);
            createUser(stores.url("tienda_02"), "etl2", URL_PASSWORD);
            createUser(stores.url("tienda_03"), "etl", SHARED_PASSWORD);

            List<String> props = new ArrayList<>(List.of(
                    "-Dfluxion.log-dir=" + logs,
                    "-Dfluxion.data-dir=" + work.resolve("data"),
                    "-Dfluxion.demo.enabled=false",
                    "-Dfluxion.etl.max-attempts=1",
                    "-Dfluxion.etl.redelivery-delay=50ms",
                    "-Dfluxion.source.user=etl",
                    "-Dfluxion.stores.tienda_01.url=" + stores.url("tienda_01"),
                    // a password inside the URL (SQL Server style property)
                    "-Dfluxion.stores.tienda_02.url=" + stores.url("tienda_02") + ";USER=etl2;PASSWORD=" + URL_PASSWORD,
                    "-Dfluxion.stores.tienda_03.url=" + stores.url("tienda_03"),
                    // a store whose own password is wrong: the driver's error is logged
                    "-Dfluxion.stores.tienda_03.password=" + WRONG_PASSWORD));
            props.addAll(WindowHours.farFromNowArgs()); // the service runs no catch-up window, whatever the hour
            // the KLK backend's URL with credentials: printed in the start-up configuration line without them
            props.add("-Dfluxion.klk.mode=backend");
            Map<String, String> env = Map.of("FLUXION_SOURCE_PASSWORD", SHARED_PASSWORD, "FLUXION_API_TOKEN", TOKEN,
                    "FLUXION_KLK_BACKEND_URL", "https://klk:" + KLK_PASSWORD + "@127.0.0.1:9/");

            JarProcess.Result r = JarProcess.run(work, props, env, 120, "run-window", "--date", D.toString());
            // tienda_03's password is wrong: the window fails for that store alone
            assertThat(r.exit()).as(r.output()).isEqualTo(1);
            assertThat(r.output()).contains("3 total, 2 succeeded, 1 failed").contains("tienda_03");

            int port = io.fluxion.orchestrator.testing.HttpApp.freePort();
            List<String> service = new ArrayList<>(props);
            service.add("-Dcamel.server.port=" + port);
            String console;
            try (JarProcess s = JarProcess.start(work, work.resolve("service.out"), service, env)) {
                s.awaitOutput("(fluxion) started", 120);
                s.terminate();
                assertThat(s.waitFor(120)).as(s.output()).isTrue();
                console = r.output() + s.output();
            }

            String files = readAll(logs);
            assertThat(files).contains("Configuration:").contains("tienda_03").contains("Window run")
                    .contains("backendUrl=https://klk:***@127.0.0.1:9/");
            assertThat(Files.readString(logs.resolve("fluxion-errors.log"))).contains("tienda_03");
            for (String secret : List.of(SHARED_PASSWORD, URL_PASSWORD, WRONG_PASSWORD, TOKEN, KLK_PASSWORD)) {
                assertThat(files).as("log files").doesNotContain(secret);
                assertThat(console).as("console").doesNotContain(secret);
            }
            // the ledger's recorded errors (shown by the API) keep no secret either
            String recorded = LedgerFile.read(work.resolve("data"), l -> l.recentRuns(10).stream()
                    .flatMap(run -> l.attempts(run.id()).stream()).map(a -> String.valueOf(a.error()))
                    .reduce("", String::concat));
            assertThat(recorded).contains("Wrong user name or password");
            for (String secret : List.of(SHARED_PASSWORD, URL_PASSWORD, WRONG_PASSWORD, TOKEN, KLK_PASSWORD)) {
                assertThat(recorded).doesNotContain(secret);
            }
        }
    }

    private static void createUser(String url, String user, String password) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD '" + password + "' ADMIN");
        }
    }

    private static String readAll(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                sb.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }
}
