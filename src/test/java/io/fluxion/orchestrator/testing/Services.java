package io.fluxion.orchestrator.testing;

import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.window.WindowService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/** The real application in service mode (schedules, start-up recovery) inside the test JVM. */
public final class Services implements AutoCloseable {
    private final Main main;

    private Services(Main main) {
        this.main = main;
    }

    /**
     * Starts the service with the given properties and beans (bound before the configuration runs,
     * e.g. {@code fluxionClock}, {@code fluxionSleeper}, {@code ecsClient}). A test that gives neither a
     * clock nor the window hours gets {@link WindowHours#farFromNow()}: never on the time of day. With a
     * test clock, Quartz's wall-clock triggers do not fire (the test sends what a trigger would). No HTTP
     * listener (API or management) unless the properties enable one. Returns once the start-up recovery has
     * decided and the window it decided on, if any, has opened (it looks at the clock once, 0.5 s after the
     * start: a test that moves the clock before would make it run a window late); from then on windows may open.
     */
    public static Services start(Map<String, String> overrides, Map<String, Object> beans) {
        Map<String, String> props = new HashMap<>();
        props.put("camel.server.enabled", "false");
        // no management server (port 9876 by default) unless the test asks for one, on a port it chose
        props.put("camel.management.enabled", "false");
        props.putAll(WindowHours.unlessChosen(overrides, beans));
        if (beans.containsKey(FluxionConfiguration.CLOCK)) {
            // Quartz fires on the wall clock, which a test's clock contradicts: with a test clock the triggers are
            // scheduled (and can be read) but never fire, e.g. the nightly window at a real 01:00 Caracas
            props.putIfAbsent("camel.component.quartz.autoStartScheduler", "false");
        }
        Main main = FluxionApplication.newMain(props);
        beans.forEach(main::bind);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("app did not start: " + e.getMessage(), e);
        }
        Services s = new Services(main);
        WindowService window = s.window();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!window.isStartupDecided() && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return s;
    }

    public WindowService window() {
        return bean("windowService", WindowService.class);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        T b = context().getRegistry().lookupByNameAndType(name, type);
        if (b == null) {
            throw new IllegalStateException("no bean " + name);
        }
        return b;
    }

    public Ledger ledger() {
        return bean("ledger", Ledger.class);
    }

    /** Waits (polling) until the condition holds; fails with the message after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        try {
            main.stop();
            main.shutdown();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
