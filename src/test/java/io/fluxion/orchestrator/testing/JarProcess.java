package io.fluxion.orchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The packaged jar in a JVM of its own (as {@code KillRecoveryIT} drives it): started with -D properties and
 * environment variables, its console in a file, stopped with SIGTERM ({@link Process#destroy()}) or SIGKILL.
 */
public final class JarProcess {
    public static final Path JAR = Path.of(System.getProperty("fluxion.jar", "target/fluxion-orchestrator.jar"))
            .toAbsolutePath();

    private final Process process;
    private final Path out;

    private JarProcess(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** {@code java -D... -jar fluxion-orchestrator.jar args} in {@code work}, console to {@code out}. */
    public static JarProcess start(Path work, Path out, Map<String, String> props, Map<String, String> env,
                                   String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m"));
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(env);
        return new JarProcess(pb.start(), out);
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

    public String output() {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (Exception e) {
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
}
