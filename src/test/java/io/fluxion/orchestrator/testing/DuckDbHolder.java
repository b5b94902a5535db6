package io.fluxion.orchestrator.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another process holding a DuckDB file, as the backend does during the day: {@link #main} opens the
 * file read-write with the DuckDB JDBC driver, prints {@code HOLDING}, and keeps it open until its
 * stdin closes. {@link #start} runs it in a second JVM on the test classpath.
 */
public final class DuckDbHolder implements AutoCloseable {
    public static final String READY = "HOLDING";
    private final Process process;

    private DuckDbHolder(Process process) {
        this.process = process;
    }

    public static void main(String[] args) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0]);
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS held_by_another_process (x INTEGER)");
            PrintStream out = System.out;
            out.println(READY + " " + ProcessHandle.current().pid());
            out.flush();
            // hold the file until the test closes our stdin (or kills us)
            while (System.in.read() >= 0) {
                // keep holding
            }
        }
    }

    /** Starts the holder in a new JVM and returns once it holds the file. */
    public static DuckDbHolder start(Path file) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-cp", cp, DuckDbHolder.class.getName(), file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith(READY)) {
                return new DuckDbHolder(p);
            }
            seen.append(line).append('\n');
        }
        p.destroyForcibly();
        throw new IllegalStateException("the DuckDB holder process ended before holding " + file + ":\n" + seen);
    }

    public long pid() {
        return process.pid();
    }

    /** Lets the holder go (closes its stdin), then makes sure it has ended. */
    @Override
    public void close() throws IOException {
        try (InputStream ignored = process.getInputStream()) {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
