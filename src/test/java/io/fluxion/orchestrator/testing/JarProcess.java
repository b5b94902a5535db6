package io.fluxion.orchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The packaged jar in a JVM of its own, the one way the tests start it: {@code java -Xmx256m <jvm args> -jar
 * fluxion-orchestrator.jar <args>} in a working directory of the test's, its console (stdout and stderr) in a file.
 * The configuration is the test's: the machine's FLUXION_*, CAMEL_* and AWS_* variables are left out, and the
 * management server listens on a free port (never the fixed 9876) unless the test chose one. Stopped with SIGTERM
 * ({@link #terminate()}, as ECS stops a task) or SIGKILL ({@link #kill()}); {@link #close()} kills what still runs.
 */
public final class JarProcess implements AutoCloseable {
    public static final Path JAR = Path.of(System.getProperty("fluxion.jar", "target/fluxion-orchestrator.jar"))
            .toAbsolutePath();

    /** How a run ended: exit code and everything it printed (stdout and stderr). */
    public record Result(int exit, String output) {
    }

    private final Process process;
    private final Path out;

    private JarProcess(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Starts the jar with these JVM arguments (e.g. {@code -Dkey=value}) and environment variables. */
    public static JarProcess start(Path work, Path out, List<String> jvmArgs, Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Map<String, String> e = pb.environment();
        // the test decides the configuration: none of the machine's FLUXION_*, CAMEL_* or AWS_* variables
        e.keySet().removeIf(k -> k.startsWith("FLUXION_") || k.startsWith("CAMEL_") || k.startsWith("AWS_"));
        e.putAll(env);
        // the management server on a free port (never the fixed 9876 in a test), unless the test chose one
        if (!e.containsKey("CAMEL_MANAGEMENT_PORT") && jvmArgs.stream().noneMatch(a -> a.startsWith("-Dcamel.management.port="))) {
            e.put("CAMEL_MANAGEMENT_PORT", String.valueOf(HttpApp.freePort()));
        }
        return new JarProcess(pb.start(), out);
    }

    /** Starts the jar with these -D properties and environment variables. */
    public static JarProcess start(Path work, Path out, Map<String, String> props, Map<String, String> env,
                                   String... args) throws IOException {
        return start(work, out, properties(props), env, args);
    }

    /** Runs the jar to its end (at most {@code timeoutSeconds}, then it is killed and the test fails). */
    public static Result run(Path work, List<String> jvmArgs, Map<String, String> env, int timeoutSeconds,
                             String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "jar", ".out");
        JarProcess p = start(work, out, jvmArgs, env, args);
        if (!p.waitFor(timeoutSeconds)) {
            p.close();
            throw new AssertionError("the jar did not end in " + timeoutSeconds + " s: " + p.output());
        }
        return new Result(p.process.exitValue(), p.output());
    }

    /** The -D arguments of these properties. */
    public static List<String> properties(Map<String, String> props) {
        List<String> out = new ArrayList<>();
        props.forEach((k, v) -> out.add("-D" + k + "=" + v));
        return out;
    }

    /**
     * A zone whose wall time is about noon now, and the window hours around it ({@code fluxion.window.*}), so that
     * a start is "inside the window" without a test clock in the other process, at any hour of the day.
     */
    public static ZoneOffset noonZone() {
        int utcHour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
        return ZoneOffset.ofHours(Math.max(-12, Math.min(12, 12 - utcHour)));
    }

    public static Map<String, String> windowAroundNow(ZoneOffset zone) {
        int hour = ZonedDateTime.now(zone).getHour();
        return Map.of("fluxion.window.zone", zone.getId(),
                "fluxion.window.start", String.format("%02d:00", hour - 1),
                "fluxion.window.end", String.format("%02d:00", hour + 3));
    }

    /** Credentials the AWS SDK of the other JVM finds in its environment (the test ECS server ignores them). */
    public static Map<String, String> awsEnv() {
        return Map.of("AWS_ACCESS_KEY_ID", "test-key", "AWS_SECRET_ACCESS_KEY", "test-secret",
                "AWS_REGION", EcsTestServer.REGION);
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits (polling) for the condition while the process lives; fails with its console otherwise. */
    public void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(process.isAlive()).as("process ended before: " + what + "\n" + output()).isTrue();
            assertThat(System.nanoTime()).as("waiting for " + what + "\n" + output()).isLessThan(end);
            Thread.sleep(20);
        }
    }

    /** Waits until the console shows this text. */
    public void awaitOutput(String text, int seconds) throws InterruptedException {
        await("'" + text + "' in the console", seconds, () -> output().contains(text));
    }

    /** SIGTERM, as ECS stops a task. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: nothing of the process runs any more. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    public boolean waitFor(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
