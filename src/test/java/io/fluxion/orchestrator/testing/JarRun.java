package io.fluxion.orchestrator.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar in its own process, started from a working directory of the test's, with the
 * configuration the test gives: the machine's FLUXION_*, CAMEL_* and AWS_* variables are left out.
 */
public final class JarRun {
    public static final Path JAR = Path.of(System.getProperty("fluxion.jar", "target/fluxion-orchestrator.jar"))
            .toAbsolutePath();

    /** How a run ended: exit code and everything it printed (stdout and stderr). */
    public record Result(int exit, String output) {
    }

    private JarRun() {
    }

    /** Runs {@code java <jvmArgs> -jar fluxion-orchestrator.jar <args>} to its end. */
    public static Result run(Path workDir, Map<String, String> env, List<String> jvmArgs, List<String> args,
                             int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "jar", ".out");
        Process p = start(workDir, env, jvmArgs, args, out);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the jar did not end in " + timeoutSeconds + " s: " + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** Starts the jar, its output going to {@code out}. */
    public static Process start(Path workDir, Map<String, String> env, List<String> jvmArgs, List<String> args, Path out)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Map<String, String> e = pb.environment();
        // the test decides the configuration: none of the machine's FLUXION_*, CAMEL_* or AWS_* variables
        e.keySet().removeIf(k -> k.startsWith("FLUXION_") || k.startsWith("CAMEL_") || k.startsWith("AWS_"));
        e.putAll(env);
        // the management server on a free port (never the fixed 9876 in a test), unless the test chose one
        if (!e.containsKey("CAMEL_MANAGEMENT_PORT") && jvmArgs.stream().noneMatch(a -> a.startsWith("-Dcamel.management.port="))) {
            e.put("CAMEL_MANAGEMENT_PORT", String.valueOf(HttpApp.freePort()));
        }
        return pb.start();
    }
}
