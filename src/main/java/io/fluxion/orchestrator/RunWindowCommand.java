package io.fluxion.orchestrator;

import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.window.RunSummary;
import io.fluxion.orchestrator.window.StartupRecovery;
import io.fluxion.orchestrator.window.WindowService;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * {@code run-window [--date YYYY-MM-DD]}: one window now (stop backend, ETL of that business date,
 * default yesterday, start backend), a printed summary, exit 0 only if every store succeeded.
 * A one-shot: no schedule, no HTTP listener. An explicit date is reloaded even if completed.
 */
public final class RunWindowCommand {
    public static final int OK = 0;
    public static final int RUN_FAILED = 1;
    public static final int USAGE = 2;
    public static final int REFUSED = 3;

    private RunWindowCommand() {
    }

    /**
     * @param overrides properties over application.properties (tests use them like -D)
     * @param beans     beans bound in the registry before the configuration runs (tests bind a
     *                  {@code fluxionClock}, a {@code fluxionSleeper} or an {@code ecsClient}); may be empty
     */
    public static int run(String[] args, Map<String, String> overrides, Map<String, Object> beans) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        LocalDate date = null;
        for (int i = 0; i < args.length; i++) {
            if ("--date".equals(args[i]) && i + 1 < args.length) {
                try {
                    date = LocalDate.parse(args[++i]);
                } catch (DateTimeParseException e) {
                    err.println("run-window: --date must be YYYY-MM-DD, got '" + args[i] + "'");
                    return USAGE;
                }
            } else if (args[i].startsWith("--date=")) {
                try {
                    date = LocalDate.parse(args[i].substring("--date=".length()));
                } catch (DateTimeParseException e) {
                    err.println("run-window: --date must be YYYY-MM-DD, got '" + args[i].substring(7) + "'");
                    return USAGE;
                }
            } else {
                err.println("usage: java -jar fluxion-orchestrator.jar run-window [--date YYYY-MM-DD]");
                return USAGE;
            }
        }
        Main main;
        try {
            main = FluxionApplication.newMain(oneShotProperties(overrides));
        } catch (ConfigException e) {
            err.println("run-window refused: " + e.getMessage());
            return REFUSED;
        }
        try {
            // bound before init: FluxionConfiguration looks them up when it wires the beans
            beans.forEach(main::bind);
            main.start();
            CamelContext ctx = main.getCamelContext();
            // runs a dead process left open are closed first (this window stops and starts the backend itself)
            StartupRecovery recovery = ctx.getRegistry().lookupByNameAndType("startupRecovery", StartupRecovery.class);
            StartupRecovery.Interrupted interrupted = recovery.closeOpenRuns(java.time.Instant.now(
                    ctx.getRegistry().lookupByNameAndType(FluxionConfiguration.CLOCK, java.time.Clock.class)));
            if (!interrupted.closed().isEmpty()) {
                out.println("run-window: closed run(s) " + interrupted.closed() + " left open by a process that died"
                        + (interrupted.resume().isEmpty() ? "" : "; not committed then: " + interrupted.resume()));
            }
            ctx.getRegistry().lookupByNameAndType("windowService", WindowService.class).startupDecided();
            Map<String, Object> headers = new HashMap<>();
            headers.put(WindowService.KIND, "cli");
            headers.put(WindowService.REQUESTED_BY, "run-window" + (date == null ? "" : " --date " + date));
            if (date != null) {
                headers.put(WindowService.DATES, List.of(date));
            }
            RunSummary s = ctx.createProducerTemplate().requestBodyAndHeaders("direct:window", null, headers,
                    RunSummary.class);
            out.println(s.toText());
            if ("SKIPPED".equals(s.status())) {
                return REFUSED;
            }
            return s.succeeded() ? OK : RUN_FAILED;
        } catch (Exception e) {
            Throwable root = rootCause(e);
            if (root instanceof ProcessLock.HeldException || root instanceof ConfigException) {
                err.println("run-window refused: " + root.getMessage());
                return REFUSED;
            }
            err.println("run-window failed: " + root);
            return RUN_FAILED;
        } finally {
            try {
                main.stop();
                main.shutdown();
            } catch (Exception e) {
                err.println("run-window: error while stopping: " + e.getMessage());
            }
        }
    }

    /**
     * The overrides plus what makes the app a one-shot: no HTTP listener, no JMX, no schedule (the Quartz
     * scheduler never starts, so no trigger can fire), none of the service's routes (API, KLK, start-up recovery).
     */
    public static Map<String, String> oneShotProperties(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(overrides);
        props.put("fluxion.mode", "run-window");
        props.put("camel.server.enabled", "false");
        props.put("camel.management.enabled", "false");
        props.put("camel.component.quartz.autoStartScheduler", "false");
        props.put("camel.main.routesExcludePattern",
                "**/http-api.camel.yaml,**/klk.camel.yaml,**/inventory.camel.yaml,**/startup-recovery.camel.yaml,"
                + "**/cluster.camel.yaml");
        return props;
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof ProcessLock.HeldException || t instanceof ConfigException) {
                return t;
            }
            t = t.getCause();
        }
        return t;
    }
}
