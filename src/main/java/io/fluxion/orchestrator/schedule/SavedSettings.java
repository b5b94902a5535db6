package io.fluxion.orchestrator.schedule;

import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings an operator changes while the service runs ({@code PUT /api/etl/scheduler/config}, the enable and
 * disable endpoints), under one rule written once: <em>the setting saved in the ledger over the configuration</em>.
 * The window, the KLK routes and the API's settings all read them here, so they never disagree, and a saved value
 * survives a restart.
 */
public class SavedSettings {
    /** Ledger setting: the scheduled window on or off (over {@code fluxion.window.enabled}). */
    public static final String WINDOW_ENABLED = "window.enabled";
    /** Ledger setting: the window start "HH:mm", the time the nightly run fires (over {@code fluxion.window.start}). */
    public static final String WINDOW_START = "window.start";
    /** Ledger setting: attempts per (store, date) (over {@code fluxion.etl.max-attempts}). */
    public static final String MAX_ATTEMPTS = "etl.max-attempts";
    /** Ledger setting: minutes before a failed store's next attempt (over {@code fluxion.etl.retry-interval}). */
    public static final String RETRY_INTERVAL_MINUTES = "etl.retry-interval-minutes";

    /** Where saved settings live: the ledger's settings table (tests keep them in a map). */
    public interface Store {
        Optional<String> setting(String name);

        void setting(String name, String value, Instant at);

        /** Every store's saved controls (ledger table store_control); none by default. */
        default java.util.Map<String, io.fluxion.orchestrator.ledger.StoreControlRecord> storeControls() {
            return java.util.Map.of();
        }
    }

    private final FluxionConfig config;
    private final Store store;
    private final Clock clock;

    public SavedSettings(FluxionConfig config, Store store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    /** The settings saved in this ledger. */
    public static SavedSettings of(FluxionConfig config, Ledger ledger, Clock clock) {
        return new SavedSettings(config, new Store() {
            @Override
            public Optional<String> setting(String name) {
                return ledger.setting(name);
            }

            @Override
            public void setting(String name, String value, Instant at) {
                ledger.setting(name, value, at);
            }

            @Override
            public java.util.Map<String, io.fluxion.orchestrator.ledger.StoreControlRecord> storeControls() {
                return ledger.storeControls();
            }
        }, clock);
    }

    /** The rule: the saved value when there is one, the configured one otherwise. */
    private <T> T savedOver(String name, Function<String, T> parse, T configured) {
        return store.setting(name).map(parse).orElse(configured);
    }

    private void save(String name, Object value) {
        store.setting(name, String.valueOf(value), clock.instant());
    }

    /** Is the scheduled window enabled. */
    public boolean windowEnabled() {
        return savedOver(WINDOW_ENABLED, Boolean::parseBoolean, config.window().enabled());
    }

    public void windowEnabled(boolean on) {
        save(WINDOW_ENABLED, on);
    }

    /** The window start an operator saved, if any. */
    public Optional<LocalTime> savedWindowStart() {
        return store.setting(WINDOW_START).map(LocalTime::parse);
    }

    /** The window start: the saved one over {@code fluxion.window.start}. */
    public LocalTime windowStart() {
        return savedWindowStart().orElse(config.window().start());
    }

    public void windowStart(LocalTime start) {
        save(WINDOW_START, start);
    }

    /** Attempts per (store, date) in one run. */
    public int maxAttempts() {
        return savedOver(MAX_ATTEMPTS, Integer::parseInt, config.etl().maxAttempts());
    }

    public void maxAttempts(int attempts) {
        save(MAX_ATTEMPTS, attempts);
    }

    /** Wait before a failed store's next attempt (saved in whole minutes). */
    public Duration retryInterval() {
        return savedOver(RETRY_INTERVAL_MINUTES, m -> Duration.ofMinutes(Long.parseLong(m)), config.etl().retryInterval());
    }

    public void retryIntervalMinutes(int minutes) {
        save(RETRY_INTERVAL_MINUTES, minutes);
    }

    /** The operators' store controls now (enabled, priority, attempts, interval), read from the ledger. */
    public StoreRules storeRules() {
        return new StoreRules(store.storeControls());
    }

    /**
     * Is the scheduled route ({@code klk-inventory}, {@code klk-sales}, {@code inventory-all}) enabled: its saved flag
     * over {@code fluxion.klk.enabled} ({@code fluxion.inventory.enabled} for inventory-all).
     */
    public boolean klkEnabled(String route) {
        boolean configured = "inventory-all".equals(route) ? config.inventory().enabled() : config.klk().enabled();
        return savedOver(route + ".enabled", Boolean::parseBoolean, configured);
    }

    public void klkEnabled(String route, boolean on) {
        save(route + ".enabled", on);
    }
}
