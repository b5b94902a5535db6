package io.fluxion.orchestrator.schedule;

import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.StoreControlRecord;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The operators' store controls at one moment (saved in the ledger over the configuration): which stores are
 * enabled, their priority in the window's order, and their own attempts and retry interval over the global ones.
 * Pure and immutable: the window's plan, the KLK routes, the inventory and the API read it the same way.
 */
public record StoreRules(Map<String, StoreControlRecord> controls) {
    /** No store has a control saved: the configuration decides. */
    public static final StoreRules NONE = new StoreRules(Map.of());
    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 100;

    public StoreRules {
        controls = Map.copyOf(controls);
    }

    private StoreControlRecord control(String storeId) {
        return controls.get(storeId);
    }

    /** The saved enabled flag over {@code fluxion.stores.<id>.enabled}. */
    public boolean enabled(StoreConfig s) {
        StoreControlRecord c = control(s.id());
        return c != null && c.enabled() != null ? c.enabled() : s.enabled();
    }

    /** 0 when not set; higher loads first. */
    public int priority(String storeId) {
        StoreControlRecord c = control(storeId);
        return c == null || c.priority() == null ? 0 : c.priority();
    }

    /** The store's own attempts per (store, date) over the global value. */
    public int maxAttempts(String storeId, int global) {
        StoreControlRecord c = control(storeId);
        return c == null || c.maxAttempts() == null ? global : c.maxAttempts();
    }

    /** The store's own wait before its next attempt over the global interval. */
    public Duration retryInterval(String storeId, Duration global) {
        StoreControlRecord c = control(storeId);
        return c == null || c.retryIntervalMinutes() == null ? global : Duration.ofMinutes(c.retryIntervalMinutes());
    }

    /** The enabled stores of a list, the highest priority first, ties in the list's order. */
    public List<StoreConfig> enabledInOrder(List<StoreConfig> stores) {
        return stores.stream().filter(this::enabled)
                .sorted(Comparator.comparingInt((StoreConfig s) -> -priority(s.id()))).toList();
    }
}
