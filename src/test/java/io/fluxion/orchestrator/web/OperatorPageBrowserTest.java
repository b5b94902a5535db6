package io.fluxion.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.GateSleeper;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator page in a real headless Chromium: the operator saves the token, triggers a window on
 * demo-like stores, watches the per-store progress while a store waits for its retry, and then sees
 * the finished summary and the history. Screenshots go to target/. Without Chromium the test is
 * skipped (naming the Debian package), unless -Dfluxion.browser.required=true (.ci/run) makes it fail.
 */
class OperatorPageBrowserTest {
    static final String TOKEN = "browser-token-7-0123456789abcdef012345";
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;

    @Test
    void triggerAWindowWatchItsProgressAndSeeTheSummary() throws Exception {

        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"));
             TcpProxy proxy = new TcpProxy(stores.port())) {
            for (String id : List.of("tienda_01", "tienda_02", "tienda_03")) {
                stores.createStore(id, false, D, D);
            }
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            // the page during a run that keeps the backend down ("En mantenimiento" while a store waits for its
            // retry); with staged the page says "Sistema operativo" until the merge (docs/OPERATIONS.md)
            props.put("fluxion.window.strategy", "stop-first");
            // no 30-minute KLK sync may take the DuckDB writer while a test triggers a window
            props.put("fluxion.klk.enabled", "false");
            props.putAll(stores.storeProperties(List.of("tienda_01", "tienda_02", "tienda_03"), "tienda_02",
                    proxy.port()));
            props.put("fluxion.etl.redeliveries", "0");
            props.put("fluxion.etl.max-attempts", "2");
            props.put("fluxion.api.token", TOKEN);
            MutableClock clock = MutableClock.caracas(2026, 11, 21, 10, 0);
            GateSleeper sleeper = new GateSleeper(clock);
            sleeper.close();
            proxy.refuse(true);

            try (HttpApp app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock,
                    FluxionConfiguration.SLEEPER, sleeper))) {
                WebDriver driver = HeadlessChrome.start(tmp.resolve("chrome-profile"), "1280,1800");
                try {
                    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                    driver.get(app.base() + "/");
                    assertThat(driver.getTitle()).contains("Fluxion");
                    wait.until(d -> d.findElement(By.id("maint-badge")).getText().equals("Sistema operativo"));
                    wait.until(d -> d.findElements(By.cssSelector("#gaps tbody tr")).size() == 3);
                    // the KLK routes' blocks, each with its switch
                    wait.until(d -> d.findElements(By.cssSelector("#klk tbody tr[data-route]")).size() == 2);

                    // without a token an action asks for it and nothing starts
                    driver.findElement(By.id("btn-trigger")).click();
                    wait.until(d -> d.findElement(By.id("action-message")).getText().contains("token"));
                    assertThat(app.ledger().recentRuns(10)).isEmpty();

                    // a wrong token is refused
                    driver.findElement(By.id("token")).sendKeys("not-the-token");
                    driver.findElement(By.id("save-token")).click();
                    driver.findElement(By.id("btn-trigger")).click();
                    wait.until(d -> d.findElement(By.id("action-message")).getText().contains("401"));
                    assertThat(app.ledger().recentRuns(10)).isEmpty();

                    driver.findElement(By.id("token")).sendKeys(TOKEN);
                    driver.findElement(By.id("save-token")).click();
                    driver.findElement(By.id("btn-trigger")).click();
                    wait.until(d -> d.findElement(By.id("action-message")).getText().startsWith("Ventana iniciada"));

                    // progress: two stores loaded, tienda_02 failed and waiting for its retry
                    wait.until(d -> d.findElements(By.cssSelector("#current-run .store-row[data-status='SUCCEEDED']")).size() == 2
                            && d.findElements(By.cssSelector("#current-run .store-row[data-status='FAILED']")).size() == 1);
                    wait.until(d -> d.findElement(By.id("maint-badge")).getText().equals("En mantenimiento"));
                    assertThat(driver.findElement(By.id("run-state")).getText()).contains("Ejecutando");
                    WebElement bar = driver.findElement(By.cssSelector(
                            "#current-run .store-row[data-store='tienda_01'] .bar .fill"));
                    assertThat(bar.getAttribute("style")).contains("width: 100%");
                    assertThat(driver.findElement(By.id("current-run")).getText()).contains("tienda_02");
                    screenshot(driver, "operator-page-running.png");

                    // the store answers again: the retry loads it and the window finishes
                    proxy.refuse(false);
                    sleeper.open();
                    wait.until(d -> "SUCCEEDED".equals(d.findElement(By.id("summary-card")).getAttribute("data-status")));
                    wait.until(d -> d.findElement(By.id("current-run")).getText().contains("Ninguna ejecución activa"));
                    wait.until(d -> d.findElement(By.id("maint-badge")).getText().equals("Sistema operativo"));
                    assertThat(driver.findElement(By.id("sum-total")).getText()).isEqualTo("3");
                    assertThat(driver.findElement(By.id("sum-exitosas")).getText()).isEqualTo("3");
                    assertThat(driver.findElement(By.id("sum-fallidas")).getText()).isEqualTo("0");
                    assertThat(driver.findElement(By.id("summary-date")).getText()).contains(D.toString());
                    wait.until(d -> d.findElement(By.cssSelector("#runs tbody")).getText().contains("SUCCEEDED"));
                    wait.until(d -> d.findElement(By.id("logs")).getText().contains("tienda_02"));
                    screenshot(driver, "operator-page.png");
                } finally {
                    driver.quit();
                }
            } finally {
                sleeper.open();
            }
        }
    }

    static void screenshot(WebDriver driver, String name) throws Exception {
        File f = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Files.copy(f.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
    }
}
