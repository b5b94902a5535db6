package io.fluxion.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 17's panels in headless Chromium at 1366x768 and at a phone's width: the charts of the nights the ledger
 * holds (one bar group per night with a window run, skipped and manual runs left out), the gaps' recovery buttons
 * filling the sync form with the answer's ranges, the gaps per store over time (one row of 30 business dates per store),
 * a store disabled from the page, and the Inventario tab's "sync now" loading every enabled store's snapshot and one
 * store's "Sincronizar" loading that store's only. Screenshots in target/.
 */
class SeedPanelsBrowserTest {
    static final String TOKEN = "browser-token-17-0123456789abcdef01234";
    static final ZoneId CARACAS = ZoneId.of("America/Caracas");
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;

    static Instant night(LocalDate d, int hour) {
        return d.plusDays(1).atTime(hour, 0).atZone(CARACAS).toInstant();
    }

    @Test
    void chartsRecoveryButtonsStoreSwitchAndTheInventarioTab() throws Exception {
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"))) {
            stores.createStore("tienda_01", false, D, D);
            stores.createStore("tienda_02", false, D, D);
            stores.createStore("tienda_08", true, D, D);
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            props.put("fluxion.klk.enabled", "false");
            props.put("fluxion.inventory.enabled", "false");
            props.putAll(stores.storeProperties(List.of("tienda_01", "tienda_02")));
            stores.storeProperties(Map.of("tienda_08", stores.port()), "klk").forEach(props::putIfAbsent);
            props.put("fluxion.stores.tienda_01.name", "MAÑONGO");
            props.put("fluxion.api.token", TOKEN);
            MutableClock clock = MutableClock.caracas(2026, 11, 21, 10, 0);

            try (HttpApp app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock))) {
                Ledger ledger = app.ledger();
                // four nights with a window run (one with two runs), a skipped night and a manual run: 4 nights
                for (int n = 4; n >= 1; n--) {
                    LocalDate d = D.minusDays(n);
                    long id = ledger.startRun("scheduled", "scheduled", List.of(d), List.of("tienda_01", "tienda_02"),
                            "none", night(d, 1));
                    ledger.backendState(id, "STOPPED", night(d, 1));
                    ledger.backendState(id, "STARTED", night(d, 1).plusSeconds(600L * n));
                    ledger.finishRun(id, n == 2 ? "FAILED" : "SUCCEEDED", null, 2, n == 2 ? 1 : 2, n == 2 ? 1 : 0,
                            1000L * n, night(d, 1).plusSeconds(600L * n));
                }
                long again = ledger.startRun("recovery", "recovery", List.of(D.minusDays(2)), List.of("tienda_02"), "none",
                        night(D.minusDays(2), 3));
                ledger.finishRun(again, "SUCCEEDED", null, 1, 1, 0, 10, night(D.minusDays(2), 3).plusSeconds(60));
                ledger.skippedRun("scheduled", "scheduled", List.of(D.minusDays(6)), "window disabled", night(D.minusDays(6), 1));
                long manual = ledger.startRun("manual", "api", List.of(D.minusDays(7)), List.of("tienda_01"), "none",
                        night(D.minusDays(7), 12));
                ledger.finishRun(manual, "SUCCEEDED", null, 1, 1, 0, 5, night(D.minusDays(7), 12).plusSeconds(60));
                // tienda_01 (MAÑONGO): a hole at D-9, loaded D-10 and D-8..D-3: Actualizar D-2..D, Recuperar D-9..D
                ledger.storeDayLoaded("tienda_01", D.minusDays(10), 5, BigDecimal.ONE, night(D, 1));
                for (int i = 8; i >= 3; i--) {
                    ledger.storeDayLoaded("tienda_01", D.minusDays(i), 5, BigDecimal.ONE, night(D, 1));
                }

                WebDriver driver = HeadlessChrome.start(tmp.resolve("chrome-profile"), "1366,768");
                try {
                    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                    // the panels re-render every few seconds: an element read between two renders may be gone
                    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
                    driver.get(app.base() + "/");
                    driver.findElement(By.id("token")).sendKeys(TOKEN);
                    driver.findElement(By.id("save-token")).click();

                    // charts: one bar group per night with a window run of the window's kinds
                    wait.until(d -> d.findElements(By.cssSelector("#chart-rows svg g.bar-group")).size() == 4);
                    assertThat(driver.findElements(By.cssSelector("#chart-stores svg g.bar-group"))).hasSize(4);
                    assertThat(driver.findElements(By.cssSelector("#chart-downtime svg g.bar-group"))).hasSize(4);
                    assertThat(driver.findElements(By.cssSelector("#chart-rows svg g.bar-group")).get(0)
                            .getAttribute("data-label")).isEqualTo(D.minusDays(3).toString());
                    assertThat(driver.findElement(By.id("charts-nights")).getText()).isEqualTo("4 noches");
                    // gaps per store over time: one row per store, one cell per business date of the last 30 (up to
                    // yesterday, D), each with its state; tienda_01 loaded 7 of them
                    wait.until(d -> d.findElements(By.cssSelector("#chart-gaps svg g.heat-row")).size() == 3);
                    for (String id : List.of("tienda_01", "tienda_02", "tienda_08")) {
                        assertThat(driver.findElements(By.cssSelector("#chart-gaps g.heat-row[data-store='" + id
                                + "'] rect.cell"))).as(id).hasSize(30);
                    }
                    assertThat(driver.findElements(By.cssSelector("#chart-gaps g.heat-row[data-store='tienda_01']"
                            + " rect.cell[data-state='loaded']"))).hasSize(7);
                    assertThat(driver.findElements(By.cssSelector("#chart-gaps g.heat-row[data-store='tienda_01']"
                            + " rect.cell[data-state='missing']"))).hasSize(23);
                    assertThat(driver.findElement(By.cssSelector("#chart-gaps g.heat-row[data-store='tienda_01']"
                            + " rect.cell:last-of-type")).getAttribute("data-date")).isEqualTo(D.toString());
                    assertThat(driver.findElement(By.cssSelector("#chart-gaps g.heat-row[data-store='tienda_08']"
                            + " text.count")).getText()).isEqualTo("30 faltan");
                    assertThat(driver.findElements(By.cssSelector("#chart-gaps g.legend rect"))).hasSize(4);
                    assertThat(driver.findElement(By.id("chart-gaps-range")).getText())
                            .isEqualTo(D.minusDays(29) + " … " + D);

                    // the recovery buttons fill the sync form with the gaps answer's ranges
                    wait.until(d -> !d.findElements(By.cssSelector("#gaps tr[data-store='tienda_01'] button.rec")).isEmpty());
                    assertThat(driver.findElement(By.id("gaps-historic")).getText()).contains("gaps históricos");
                    click(driver, "#gaps tr[data-store='tienda_01'] button.rec");
                    assertThat(value(driver, "sync-store")).isEqualTo("tienda_01");
                    assertThat(value(driver, "sync-from")).isEqualTo(D.minusDays(9).toString());
                    assertThat(value(driver, "sync-to")).isEqualTo(D.toString());
                    click(driver, "#gaps tr[data-store='tienda_01'] button.act");
                    assertThat(value(driver, "sync-from")).isEqualTo(D.minusDays(2).toString());
                    assertThat(value(driver, "sync-to")).isEqualTo(D.toString());
                    assertThat(noHorizontalScroll(driver)).as("fits 1366x768").isTrue();
                    ((JavascriptExecutor) driver).executeScript("document.getElementById('charts-card').scrollIntoView();");
                    OperatorPageBrowserTest.screenshot(driver, "operator-page-charts.png");
                    ((JavascriptExecutor) driver).executeScript("document.getElementById('chart-gaps').scrollIntoView();");
                    OperatorPageBrowserTest.screenshot(driver, "operator-page-gaps.png");

                    // a store disabled from the page
                    wait.until(d -> !d.findElements(By.cssSelector("#stores tr[data-store='tienda_02'] button.store-toggle")).isEmpty());
                    click(driver, "#stores tr[data-store='tienda_02'] button.store-toggle");
                    wait.until(d -> "false".equals(d.findElement(By.cssSelector("#stores tr[data-store='tienda_02']"))
                            .getAttribute("data-enabled")));
                    assertThat(ledger.storeControls().get("tienda_02").enabled()).isFalse();
                    assertThat(ledger.storeControls().get("tienda_02").changedBy()).endsWith("from 127.0.0.1");

                    // the Inventario tab: sync now loads every enabled store's snapshot
                    driver.findElement(By.cssSelector("#tabs button[data-tab='inventario']")).click();
                    wait.until(d -> d.findElement(By.id("inventory-card")).isDisplayed());
                    assertThat(driver.findElement(By.id("gaps")).isDisplayed()).isFalse();
                    wait.until(d -> d.findElements(By.cssSelector("#inventory tbody tr")).size() == 3);
                    driver.findElement(By.id("inv-sync")).click();
                    wait.until(d -> d.findElements(By.cssSelector("#inventory tbody tr[data-status='SUCCEEDED']")).size() == 2);
                    assertThat(((JavascriptExecutor) driver).executeScript("return document.querySelector("
                            + "\"#inventory tbody tr[data-store='tienda_02']\").getAttribute('data-status');"))
                            .as("disabled: left alone").isEqualTo("");
                    long rows = ledger.inventoryStores().get("tienda_01").snapshotRows();
                    assertThat(rows).isPositive();
                    wait.until(d -> String.valueOf(rows).equals(d.findElement(
                            By.cssSelector("#inventory tbody tr[data-store='tienda_01'] td.rows")).getText()));
                    wait.until(d -> d.findElement(By.id("inv-last")).getText().contains("SUCCEEDED"));

                    // one store's "Sincronizar": POST /api/inventory/tienda_08/trigger, that store only; none for
                    // the disabled store
                    assertThat(driver.findElements(By.cssSelector("#inventory tr[data-store='tienda_02'] button.inv-store-sync")))
                            .isEmpty();
                    long allRun = ledger.inventoryStores().get("tienda_08").lastRun();
                    click(driver, "#inventory tr[data-store='tienda_08'] button.inv-store-sync");
                    wait.until(d -> d.findElement(By.id("inv-message")).getText().startsWith("Inventario de tienda_08 iniciado"));
                    wait.until(d -> ledger.inventoryStores().get("tienda_08").lastRun() != allRun);
                    io.fluxion.orchestrator.ledger.KlkRunRecord one = ledger.recentKlkRuns("inventory-all", 5).stream()
                            .filter(r -> r.id() == ledger.inventoryStores().get("tienda_08").lastRun()).findFirst().orElseThrow();
                    assertThat(one.detail()).startsWith("store tienda_08, asked by api POST /api/inventory/tienda_08/trigger from 127.0.0.1");
                    assertThat(ledger.inventoryStores().get("tienda_01").lastRun()).isEqualTo(allRun);
                    wait.until(d -> d.findElement(By.id("inv-last")).getText().startsWith("#" + one.id() + " SUCCEEDED"));
                    wait.until(d -> String.valueOf(one.id()).equals(((JavascriptExecutor) d).executeScript("var e = document"
                            + ".querySelector(\"#inventory tr[data-store='tienda_08'] td:nth-child(5) span\"); return e ?"
                            + " e.textContent.substr(1) : '';")));
                    OperatorPageBrowserTest.screenshot(driver, "operator-page-inventory.png");

                    // on a phone: still no sideways scrolling of the page
                    driver.manage().window().setSize(new Dimension(390, 844));
                    assertThat(noHorizontalScroll(driver)).as("fits a phone's width").isTrue();
                    OperatorPageBrowserTest.screenshot(driver, "operator-page-inventory-phone.png");
                    driver.findElement(By.cssSelector("#tabs button[data-tab='ventas']")).click();
                    wait.until(d -> d.findElement(By.id("gaps")).isDisplayed());
                    assertThat(noHorizontalScroll(driver)).as("the Ventas tab fits a phone's width").isTrue();
                    OperatorPageBrowserTest.screenshot(driver, "operator-page-phone.png");
                    ((JavascriptExecutor) driver).executeScript("document.getElementById('chart-gaps').scrollIntoView();");
                    OperatorPageBrowserTest.screenshot(driver, "operator-page-gaps-phone.png");
                } finally {
                    driver.quit();
                }
            }
        }
    }

    /** Clicks the element the selector names now (a re-render between finding and clicking cannot make it stale). */
    static void click(WebDriver driver, String css) {
        Object done = ((JavascriptExecutor) driver).executeScript(
                "var e = document.querySelector(arguments[0]); if (!e) { return false; } e.click(); return true;", css);
        assertThat(done).as(css).isEqualTo(Boolean.TRUE);
    }

    static String value(WebDriver driver, String id) {
        return driver.findElement(By.id(id)).getAttribute("value");
    }

    /** True when the page needs no sideways scrolling; else fails naming the elements that stick out. */
    static boolean noHorizontalScroll(WebDriver driver) {
        Object r = ((JavascriptExecutor) driver).executeScript(
                "if (document.documentElement.scrollWidth <= window.innerWidth + 1) { return ''; }"
                + " var out = []; document.querySelectorAll('body *').forEach(function (e) {"
                + " var b = e.getBoundingClientRect(); if (b.right > window.innerWidth + 1 && b.width > 0"
                + " && e.closest('.table-wrap') === null) { out.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(b.right)); } });"
                + " return out.slice(0, 15).join(', ') || 'scrollWidth ' + document.documentElement.scrollWidth;");
        assertThat(r).as("elements wider than the window").isEqualTo("");
        return true;
    }
}
