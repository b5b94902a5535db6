package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.lifecycle.ProcessOwner;
import io.fluxion.orchestrator.lifecycle.StopOnShutdown;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.Services;
import io.fluxion.orchestrator.testing.StoreServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start of the service (issue 13, item 11): no run starts before the start-up decision is made (the API answers
 * 503 with Retry-After meanwhile, nothing is recorded; so it does while the service stops), and the start-up check closes only the open runs of a
 * process that is gone (one on this data dir, or an older ledger's row without owner), never a run of this process
 * nor one of a process on another data dir sharing the ledger. The check's route is held back
 * ({@code camel.main.autoStartupExcludePattern}) and started by the test, so "before the decision" is certain.
 */
class StartupGateTest {
    static final LocalDate D = LocalDate.of(2026, 11, 9);
    static final String TOKEN = "gate-test-token-0123456789abcdef01234";

    @TempDir
    Path tmp;
    StoreServer stores;
    Path data;
    Main main;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        stores = StoreServer.start(tmp.resolve("stores"));
        stores.createStore("tienda_01", false, D, D);
        data = tmp.resolve("data");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (main != null) {
            main.stop();
            main.shutdown();
        }
        stores.close();
    }

    /** A run some process left open: its owner and data dir as the ledger records them. */
    private long openRun(String owner, String ownerDataDir) throws Exception {
        LedgerFile.read(data, l -> {
            l.migrate();
            return null;
        });
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("ledger")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "");
             PreparedStatement ps = c.prepareStatement("INSERT INTO window_run (kind, requested_by, business_dates,"
                     + " store_ids, status, backend_mode, backend_state, started_at, owner, owner_data_dir)"
                     + " VALUES ('manual', 'test', ?, 'tienda_01', 'RUNNING', 'none', 'UNTOUCHED', ?, ?, ?)",
                     new String[] {"id"})) {
            ps.setString(1, D.toString());
            ps.setObject(2, OffsetDateTime.of(2026, 11, 10, 13, 0, 0, 0, ZoneOffset.UTC));
            ps.setString(3, owner);
            ps.setString(4, ownerDataDir);
            ps.executeUpdate();
            try (var rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private HttpResponse<String> trigger(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/etl/scheduler/trigger"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noRunStartsBeforeTheStartUpDecisionAndTheCheckClosesOnlyRunsOfAProcessThatIsGone() throws Exception {
        // the data dir as a process working on it records it (its path and the id written in it)
        String thisDir = ProcessOwner.of(data).dataDir();
        long sameDirDead = openRun("old-task/1/0a0a0a0a", thisDir);
        // another volume at the same path on another host, and another path
        long samePathOtherVolume = openRun("other-host/1/0c0c0c0c", thisDir.substring(0, thisDir.indexOf('#')) + "#x");
        long otherDir = openRun("other-task/7/0b0b0b0b", "/mnt/another-instance/data#y");
        long noOwner = openRun(null, null);

        int port = HttpApp.freePort();
        Map<String, String> props = Apps.base(data);
        props.putAll(stores.storeProperties(List.of("tienda_01")));
        props.put("fluxion.klk.enabled", "false");
        props.put("fluxion.api.token", TOKEN);
        props.put("camel.server.enabled", "true");
        props.put("camel.server.port", String.valueOf(port));
        // the start-up check does not run until the test starts its route
        props.put("camel.main.autoStartupExcludePattern", "startup-recovery");
        main = FluxionApplication.newMain(props);
        main.bind(FluxionConfiguration.CLOCK, MutableClock.caracas(2026, 11, 10, 10, 0).ticking());
        main.start();
        Ledger ledger = main.getCamelContext().getRegistry().lookupByNameAndType("ledger", Ledger.class);
        StartupRecovery recovery = main.getCamelContext().getRegistry().lookupByNameAndType("startupRecovery",
                StartupRecovery.class);
        int runsBefore = ledger.recentRuns(100).size();

        // before the decision: 503 with Retry-After, and nothing starts or is recorded
        HttpResponse<String> early = trigger(port);
        assertThat(early.statusCode()).as(early.body()).isEqualTo(503);
        assertThat(early.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(early.body()).contains("start-up check has not decided yet");
        assertThat(ledger.recentRuns(100)).hasSize(runsBefore);
        assertThat(recovery.decision()).isNull();

        // a run this very process has open when the check runs (what the API opened in the first second used to be)
        long mine = ledger.startRun("manual", "api POST /api/etl/scheduler/trigger", List.of(D), List.of("tienda_01"),
                "none", java.time.Instant.now());

        main.getCamelContext().getRouteController().startRoute("startup-recovery");
        Services.await("the start-up decision", Duration.ofSeconds(30), () -> recovery.decision() != null);

        assertThat(ledger.run(sameDirDead).orElseThrow().status()).as("a process of this data dir is gone")
                .isEqualTo("FAILED");
        assertThat(ledger.run(sameDirDead).orElseThrow().reason()).startsWith("interrupted: the process stopped");
        assertThat(ledger.run(noOwner).orElseThrow().status()).as("an older ledger's row").isEqualTo("FAILED");
        assertThat(ledger.run(otherDir).orElseThrow().status()).as("a process on another data dir may be alive")
                .isEqualTo("RUNNING");
        assertThat(ledger.run(samePathOtherVolume).orElseThrow().status()).as("same path, another volume")
                .isEqualTo("RUNNING");
        RunRecord live = ledger.run(mine).orElseThrow();
        assertThat(live.status()).as("a run of this process is never closed").isEqualTo("RUNNING");
        assertThat(live.reason()).isNull();
        assertThat(recovery.decision()).contains("#" + sameDirDead).contains("#" + noOwner)
                .doesNotContain("#" + otherDir + ",").doesNotContain("#" + mine + "]").doesNotContain("#" + mine + ",");

        // after the decision a trigger starts a window
        HttpResponse<String> later = trigger(port);
        assertThat(later.statusCode()).as(later.body()).isEqualTo(202);

        // while the service stops: 503 with Retry-After, and nothing is recorded
        WindowService window = main.getCamelContext().getRegistry().lookupByNameAndType("windowService", WindowService.class);
        Services.await("the run's end", Duration.ofSeconds(60), () -> window.current().isEmpty());
        main.getCamelContext().getRegistry().lookupByNameAndType(StopOnShutdown.BEAN, StopSignal.class)
                .raise("the test stops the service");
        int runs = ledger.recentRuns(100).size();
        HttpResponse<String> stopping = trigger(port);
        assertThat(stopping.statusCode()).as(stopping.body()).isEqualTo(503);
        assertThat(stopping.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(stopping.body()).contains("stopping");
        assertThat(ledger.recentRuns(100)).hasSize(runs);
    }
}
