package io.fluxion.orchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.testing.Apps;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both ways a stop reaches the app raise the stop signal before anything waits for the work in flight: camel-main's
 * shutdown strategy (what its SIGTERM hook calls, the only signal a {@code run-window} gets before its window
 * returns) and a stop of the Camel context itself (the service's stop, JMX).
 */
class StopOnShutdownTest {
    @TempDir
    Path tmp;

    private Main start(String name) throws Exception {
        Map<String, String> p = Apps.base(tmp.resolve(name));
        p.put("camel.server.enabled", "false");
        p.put("camel.component.quartz.autoStartScheduler", "false");
        p.put("fluxion.klk.enabled", "false");
        Main main = FluxionApplication.newMain(p);
        main.start();
        return main;
    }

    @Test
    void theShutdownStrategyOfCamelMainRaisesTheSignalWhileTheContextStillRuns() throws Exception {
        Main main = start("a");
        try {
            StopSignal signal = main.getCamelContext().getRegistry().lookupByNameAndType(StopOnShutdown.BEAN, StopSignal.class);
            assertThat(signal.isRaised()).isFalse();
            // what camel-main's JVM shutdown hook does on SIGTERM
            main.getShutdownStrategy().shutdown();
            assertThat(signal.isRaised()).isTrue();
            assertThat(signal.reason()).contains("SIGTERM");
            assertThat(main.getCamelContext().isStarted()).as("nothing waited or stopped yet").isTrue();
            assertThat(signal.graceLeft()).isPositive();
        } finally {
            main.stop();
            main.shutdown();
        }
    }

    @Test
    void aStopOfTheCamelContextRaisesTheSignalBeforeTheRoutesAreShutDown() throws Exception {
        StopSignal signal = new StopSignal();
        java.util.concurrent.atomic.AtomicBoolean raisedWhileRoutesUp = new java.util.concurrent.atomic.AtomicBoolean();
        try (org.apache.camel.impl.DefaultCamelContext context = new org.apache.camel.impl.DefaultCamelContext()) {
            StopOnShutdown.install(context, signal);
            // a route whose consumer sees, when it is shut down, whether the signal was already raised
            context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:probe").routeId("probe").process(e -> { });
                }
            });
            context.start();
            context.getRoute("probe").getConsumer();
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() {
                    raisedWhileRoutesUp.set(signal.isRaised());
                }
            }, true, true);
            assertThat(signal.isRaised()).isFalse();
            context.stop();
        }
        assertThat(signal.isRaised()).isTrue();
        assertThat(signal.reason()).isEqualTo("the Camel context is stopping");
        assertThat(raisedWhileRoutesUp).as("raised before the context's services stop").isTrue();
    }
}
