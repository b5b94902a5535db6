package io.fluxion.orchestrator.schedule;

import java.util.Map;

/**
 * A scheduled route other than the nightly window (the KLK syncs), as the scheduler status and the
 * control API see it. Implementations are registry beans; the API finds them by type.
 */
public interface ScheduledRoute {
    /** Short name used in API paths and the status JSON, e.g. "klk-inventory". */
    String name();

    boolean isEnabled();

    /** Persists the flag in the ledger; takes effect at the next trigger. */
    void setEnabled(boolean enabled);

    /** The status block: enabled, is_running, next_execution, last_execution, last outcome (JSON-ready values). */
    Map<String, Object> status();
}
