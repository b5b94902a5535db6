package io.fluxion.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The operator page's monitoring panels (web/monitoring.js) in a real headless Chromium, with real data: the backend
 * panel shows the ECS service's state (the real SDK client against testing/EcsTestServer), the connectivity panel a
 * store whose H2 TCP server is stopped as unreachable, the alerts panel the failed run's alert. Screenshot in
 * target/operator-page-monitoring.png. Skipped without Chromium like {@link OperatorPageBrowserTest}.
 */
class MonitoringPanelsBrowserTest {
    static final String TOKEN = "browser-token-15-0123456789abcdef01234";
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;

    @Test
    void theBackendConnectivityAndAlertsPanelsShowTheServicesRealState() throws Exception {

        try (StoreServer up = StoreServer.start(tmp.resolve("up"));
             EcsTestServer ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1);
             EcsClient client = ecs.client(false)) {
            up.createStore("tienda_01", false, D, D);
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            props.putAll(up.storeProperties(List.of("tienda_01")));
            // tienda_02's own H2 TCP server is stopped before the service starts: its port refuses connections
            StoreServer down = StoreServer.start(tmp.resolve("down"));
            down.createStore("tienda_02", false, D, D);
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("tienda_02", down.port());
            props.putAll(down.storeProperties(ports, "legacy"));
            down.close();
            props.putAll(ecs.properties());
            props.put("fluxion.klk.enabled", "false");
            props.put("camel.component.quartz.autoStartScheduler", "false");
            props.put("fluxion.etl.max-attempts", "1");
            props.put("fluxion.api.token", TOKEN);
            MutableClock clock = MutableClock.caracas(2026, 11, 21, 10, 0).ticking();

            try (HttpApp app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock, "ecsClient", client))) {
                WebDriver driver = HeadlessChrome.start(tmp.resolve("chrome-profile"), "1280,2600");
                try {
                    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                    driver.get(app.base() + "/");
                    // ECS's service as DescribeServices answers it
                    wait.until(d -> "running".equals(d.findElement(By.id("backend-card")).getAttribute("data-state")));
                    assertThat(driver.findElement(By.id("backend-state")).getText()).contains("Operativo");
                    assertThat(driver.findElement(By.id("backend-mode")).getText())
                            .contains("ecs").contains("fluxion-backend").contains("fluxion-cluster");
                    assertThat(driver.findElement(By.id("backend-counts")).getText()).startsWith("1 / 1");
                    assertThat(driver.findElement(By.id("backend-rollout")).getText()).isEqualTo("COMPLETED");
                    assertThat(driver.findElement(By.cssSelector("#alerts tbody")).getText()).contains("Sin alertas");

                    // a window (ecs mode outside the window hours: confirmed); tienda_02 cannot be reached
                    HttpApp.Resp started = app.send("POST", "/trigger", "{\"target_date\": \"" + D
                            + "\", \"confirm\": true}", TOKEN);
                    assertThat(started.status()).as(started.text()).isEqualTo(202);
                    app.awaitIdle(Duration.ofSeconds(60));

                    wait.until(d -> !d.findElements(By.cssSelector(
                            "#connectivity tr[data-store='tienda_02'][data-reach='unreachable']")).isEmpty());
                    assertThat(driver.findElement(By.cssSelector("#connectivity tr[data-store='tienda_02']")).getText())
                            .contains("Sin conexión").contains("Connection refused");
                    wait.until(d -> !d.findElements(By.cssSelector(
                            "#connectivity tr[data-store='tienda_01'][data-reach='reachable']")).isEmpty());
                    assertThat(driver.findElement(By.id("connectivity-card")).getAttribute("data-unreachable"))
                            .isEqualTo("1");
                    assertThat(driver.findElement(By.id("connectivity-summary")).getText())
                            .contains("1 de 2 tiendas responden");

                    // the failed run's alert, from the ledger
                    wait.until(d -> !d.findElements(By.cssSelector("#alerts tr[data-kind='window-failed']")).isEmpty());
                    String alert = driver.findElement(By.cssSelector("#alerts tr[data-kind='window-failed']")).getText();
                    assertThat(alert).contains("CRITICAL").contains("tienda_02").contains("NONE");
                    // the backend is back after the run (UpdateService to 1, DescribeServices until running)
                    wait.until(d -> "running".equals(d.findElement(By.id("backend-card")).getAttribute("data-state")));
                    assertThat(ecs.sequence()).contains("UpdateService(0)").contains("UpdateService(1)");
                    OperatorPageBrowserTest.screenshot(driver, "operator-page-monitoring.png");
                } finally {
                    driver.quit();
                }
            }
        }
    }
}
