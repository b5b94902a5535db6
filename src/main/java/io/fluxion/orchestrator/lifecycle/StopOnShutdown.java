package io.fluxion.orchestrator.lifecycle;

import org.apache.camel.CamelContext;
import org.apache.camel.main.MainShutdownStrategy;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Raises the {@link StopSignal} when this process starts to stop, before Camel waits for the work in flight.
 *
 * <p>How camel-main 4.18 stops (read in its source): {@code DefaultMainShutdownStrategy} installs a JVM
 * shutdown hook ("CamelHangupInterceptor"); on SIGTERM it calls {@code MainShutdownStrategy.shutdown()},
 * which releases the main thread's {@code Main.run()} and calls the strategy's shutdown listeners, then
 * waits up to {@code camel.main.shutdownTimeout} + {@code camel.main.extraShutdownTimeout} for the context
 * to stop. The main thread stops the {@code CamelContext}: it first emits {@code CamelContextStoppingEvent}
 * (synchronously, to every event notifier), then {@code DefaultShutdownStrategy} shuts the routes down:
 * consumers of direct endpoints are deferred, the others suspended, and the exchanges in flight (a window
 * run) are waited for up to {@code shutdownTimeout}; on timeout the routes are forced down (no more
 * redeliveries), thread pools are shut down and the process exits, whatever the window was doing.
 *
 * <p>So two entry points raise the signal, whichever comes first:
 * <ul>
 *   <li>a shutdown listener of camel-main (SIGTERM, {@code Main.stop()}): the only one that sees a SIGTERM
 *       during {@code run-window}, whose context is stopped only after its window returns;</li>
 *   <li>this event notifier on {@code CamelContextStoppingEvent}: any stop of the context (service, tests,
 *       JMX), before the routes are shut down, so the window aborts on live routes and Camel's graceful
 *       wait ends as soon as the window has rolled back, released DuckDB and asked for the backend's start.</li>
 * </ul>
 */
public final class StopOnShutdown extends EventNotifierSupport {
    public static final String BEAN = "stopSignal";
    private final StopSignal signal;

    public StopOnShutdown(StopSignal signal) {
        this.signal = signal;
        setIgnoreExchangeEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /** Registers the event notifier on the context (before it starts). */
    public static void install(CamelContext context, StopSignal signal) throws Exception {
        StopOnShutdown notifier = new StopOnShutdown(signal);
        notifier.start();
        context.getManagementStrategy().addEventNotifier(notifier);
    }

    /** A camel-main shutdown listener that raises the signal of whichever context the main runs (looked up late). */
    public static MainShutdownStrategy.ShutdownEventListener listener(java.util.function.Supplier<CamelContext> context) {
        return () -> {
            CamelContext c = context.get();
            StopSignal s = c == null ? null : c.getRegistry().lookupByNameAndType(BEAN, StopSignal.class);
            if (s != null) {
                s.raise("the process is stopping (SIGTERM or stop request)");
            }
        };
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        signal.raise("the Camel context is stopping");
    }
}
