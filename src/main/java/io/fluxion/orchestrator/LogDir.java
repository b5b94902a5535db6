package io.fluxion.orchestrator;

import io.fluxion.orchestrator.config.ConfigSources;
import io.fluxion.orchestrator.config.OwnerOnly;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The log folder: {@code fluxion.log-dir} when a source sets it, else {@code <fluxion.data-dir>/logs}
 * (both through the same layers as every key: operator file, environment, -D). log4j2.xml reads the
 * system property {@link #RESOLVED}, set here before the first logger is created (a name outside
 * {@code fluxion.*}, so the configuration's sources do not list it as an operator's -D).
 */
final class LogDir {
    static final String PROPERTY = "fluxion.log-dir";
    static final String RESOLVED = "io.fluxion.log-dir";

    private LogDir() {
    }

    /** The log folder of this configuration (absolute). */
    static Path of(ConfigSources sources) {
        String dir = sources.get(PROPERTY);
        if (dir == null || dir.isBlank()) {
            String data = sources.get("fluxion.data-dir");
            return Path.of(data == null || data.isBlank() ? "./data" : data.trim()).resolve("logs").toAbsolutePath().normalize();
        }
        return Path.of(dir.trim()).toAbsolutePath().normalize();
    }

    /** Sets the log folder for log4j2 and creates it (700) if it is missing. */
    static Path prepare(ConfigSources sources) {
        Path dir = of(sources);
        System.setProperty(RESOLVED, dir.toString());
        try {
            OwnerOnly.createDirectories(dir);
        } catch (IOException e) {
            // log4j2 then reports on the console that it cannot write the files; the app still runs
            System.err.println("cannot create the log folder " + dir + ": " + e);
        }
        return dir;
    }
}
