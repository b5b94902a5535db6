package io.fluxion.orchestrator.config;

/**
 * Registry names of the beans the composition root ({@code FluxionConfiguration}) binds and the other
 * configurations (API, monitoring), {@code run-window} and the tests look up. They live here, at the bottom of
 * the package graph, so that no package has to import the root package to find a bean.
 */
public final class Beans {
    /** The application's {@link java.time.Clock}; a test may bind its own before the start. */
    public static final String CLOCK = "fluxionClock";
    /** An optional {@code window.Sleeper} (tests advance their clock instead of sleeping). */
    public static final String SLEEPER = "fluxionSleeper";
    /** The validated {@link FluxionConfig}. */
    public static final String CONFIG = "fluxionConfig";
    public static final String LEDGER = "ledger";
    /** The ledger's DataSource (monitoring's alerts and metric queries use the same pool). */
    public static final String LEDGER_DATA_SOURCE = "ledgerDataSource";
    public static final String WINDOW_CLOCK = "windowClock";
    public static final String WINDOW_SERVICE = "windowService";
    public static final String SAVED_SETTINGS = "savedSettings";
    public static final String DUCKDB_WRITER = "duckDbWriter";
    /** {@code etl.SourceProbe}: the stores' connectivity, shared by the window, health and the API. */
    public static final String SOURCE_PROBE = "sourceProbe";
    /** Two instances (SPEC 2.8): whether this one leads ({@code cluster.Leadership}). */
    public static final String LEADERSHIP = "leadership";

    private Beans() {
    }
}
