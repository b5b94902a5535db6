package io.fluxion.orchestrator.testing;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.RunWindowCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Runs the real application in this JVM (same main, routes and properties as the jar). */
public final class Apps {
    private Apps() {
    }

    /** Properties every test app needs: its own data dir, fast retries, no HTTP clash. */
    public static Map<String, String> base(Path dataDir) {
        Map<String, String> p = new HashMap<>();
        p.put("fluxion.data-dir", dataDir.toString());
        p.put("fluxion.etl.redelivery-delay", "50ms");
        p.put("fluxion.backend.poll-interval", "20ms");
        p.put("camel.main.shutdownTimeout", "5");
        // route inventory-all fires on the real clock (00:00, 06:00, 12:00, 18:00 in the window zone): a fire during a
        // test would take the DuckDB writer or add a klk_run row at that hour only. Tests run it by hand (a disabled
        // route's scheduled fire is ignored, not recorded; a trigger by hand still runs)
        p.put("fluxion.inventory.enabled", "false");
        // no management server on the fixed port 9876 (HttpApp starts one on a free port)
        p.put("camel.management.enabled", "false");
        return p;
    }

    /** The outcome of one {@code run-window}: exit code, what it printed on stdout and on stderr. */
    public record WindowResult(int exitCode, String output, String errors) {
    }

    /** {@code run-window} with the given arguments, overrides and clock; captures stdout. */
    public static WindowResult runWindow(Map<String, String> overrides, Clock clock, String... args) {
        return runWindowWith(overrides, clock == null ? Map.of() : Map.of(FluxionConfiguration.CLOCK, clock), args);
    }

    /**
     * {@code run-window} with beans bound before start (clock, sleeper, ecsClient); captures stdout and stderr.
     * Without a clock and without window hours it gets {@link WindowHours#farFromNow()}.
     */
    public static synchronized WindowResult runWindowWith(Map<String, String> overrides, Map<String, Object> beans,
                                                          String... args) {
        PrintStream old = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBuf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = RunWindowCommand.run(args, WindowHours.unlessChosen(overrides, beans), beans);
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        String err = errBuf.toString(StandardCharsets.UTF_8);
        old.print(out);
        oldErr.print(err);
        return new WindowResult(code, out, err);
    }
}
