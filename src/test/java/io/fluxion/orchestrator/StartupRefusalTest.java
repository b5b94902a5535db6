package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.EcsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invalid configuration, or another process on the same data dir: refused before anything is touched. */
class StartupRefusalTest {
    @TempDir
    Path tmp;

    @Test
    void aBadCronRefusesTheStartAndNamesTheKey() {
        Map<String, String> p = Apps.base(tmp);
        p.put("fluxion.klk.sales.cron", "at five past");
        Apps.WindowResult r = Apps.runWindow(p, null);
        assertThat(r.exitCode()).isEqualTo(RunWindowCommand.REFUSED);
        assertThat(r.errors()).contains("fluxion.klk.sales.cron").contains("not a Quartz cron expression");
        assertThat(tmp.resolve("fluxion.duckdb")).doesNotExist();
        assertThat(tmp.resolve("fluxion.lock")).doesNotExist();
    }

    @Test
    void runWindowRefusesToRunBesideACluster() {
        Map<String, String> p = Apps.base(tmp);
        p.put("fluxion.cluster.enabled", "true");
        p.put("fluxion.cluster.lock-dir", tmp.resolve("cluster").toString());
        Apps.WindowResult r = Apps.runWindow(p, null);
        assertThat(r.exitCode()).isEqualTo(RunWindowCommand.REFUSED);
        assertThat(r.errors()).contains("fluxion.cluster.enabled").contains("POST /api/etl/scheduler/trigger");
        assertThat(tmp.resolve("fluxion.lock")).doesNotExist();
        assertThat(tmp.resolve("cluster")).doesNotExist();
    }

    @Test
    void anApiTokenShorterThan32CharactersRefusesTheStartAndNamesTheKeyButNotTheToken() {
        Map<String, String> p = Apps.base(tmp);
        p.put("fluxion.api.token", "tok-9f8e7d6c5b4a");
        Apps.WindowResult r = Apps.runWindow(p, null);
        assertThat(r.exitCode()).isEqualTo(RunWindowCommand.REFUSED);
        assertThat(r.errors()).contains("fluxion.api.token").contains("at least 32").doesNotContain("tok-9f8e7d6c5b4a");
        assertThat(r.output()).doesNotContain("tok-9f8e7d6c5b4a");
        assertThat(tmp.resolve("fluxion.duckdb")).doesNotExist();
    }

    @Test
    void aSecondProcessOnTheSameDataDirIsRefusedAndSaysWhoHoldsIt() throws Exception {
        try (ProcessLock held = ProcessLock.acquire(tmp, "Fluxion service (test)")) {
            Apps.WindowResult r = Apps.runWindow(Apps.base(tmp), null, "--date", "2026-11-20");
            assertThat(r.exitCode()).isEqualTo(RunWindowCommand.REFUSED);
            assertThat(r.errors()).contains("another Fluxion process").contains("Fluxion service (test)");
            assertThat(tmp.resolve("fluxion.duckdb")).doesNotExist();
            assertThat(tmp.resolve("ledger.mv.db")).doesNotExist();
        }
    }

    @Test
    void anUnwritableDataDirRefusesTheRunBeforeTheBackendIsTouched() throws Exception {
        // a data dir below a regular file cannot be created, whoever runs the test (root ignores permissions)
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        try (EcsTestServer ecs = EcsTestServer.start("c", "s", 1)) {
            Map<String, String> p = Apps.base(file.resolve("data"));
            p.putAll(ecs.properties());
            Apps.WindowResult r = Apps.runWindowWith(p, Map.of("ecsClient", ecs.client(false)), "--date", "2026-11-20");
            assertThat(r.exitCode()).isEqualTo(RunWindowCommand.REFUSED);
            assertThat(r.errors()).contains("data dir").contains(file.resolve("data").toString());
            assertThat(ecs.calls()).as("the backend was not touched").isEmpty();
            assertThat(ecs.running()).isEqualTo(1);
        }
    }
}
