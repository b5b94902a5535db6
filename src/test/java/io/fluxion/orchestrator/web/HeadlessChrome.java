package io.fluxion.orchestrator.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The page's browser tests' Chromium: Debian's {@code chromium} and {@code chromium-driver} (or the binaries named by
 * FLUXION_CHROMIUM and FLUXION_CHROMEDRIVER), headless, with a profile of the test's own.
 */
final class HeadlessChrome {
    private HeadlessChrome() {
    }

    static Path executable(String env, String def) {
        String v = System.getenv(env);
        return Path.of(v == null || v.isBlank() ? def : v);
    }

    /**
     * Starts Chromium at the given window size ("1280,1800"). Without the binaries the test is skipped with the
     * reason, or fails when {@code fluxion.browser.required} is true (CI).
     */
    static WebDriver start(Path profile, String windowSize) throws IOException {
        Path chromium = executable("FLUXION_CHROMIUM", "/usr/bin/chromium");
        Path driverBin = executable("FLUXION_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(driverBin)) {
            String msg = "headless Chromium not found (" + chromium + ", " + driverBin + "): install the Debian packages"
                    + " `chromium` and `chromium-driver` (apt-get install -y chromium chromium-driver)";
            if (Boolean.getBoolean("fluxion.browser.required")) {
                Assertions.fail("fluxion.browser.required=true but " + msg);
            }
            Assumptions.abort("Browser test skipped: " + msg);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + windowSize,
                "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driverBin.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
