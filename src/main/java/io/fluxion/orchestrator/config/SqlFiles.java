package io.fluxion.orchestrator.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the SQL files operators may edit: {@code classpath:...}, {@code file:...} or a plain path. */
public final class SqlFiles {
    private SqlFiles() {
    }

    /** The file's text with {@code --} comment lines removed (camel-jdbc would read parameters inside them). */
    public static String read(String location) {
        String text;
        try {
            if (location.startsWith("classpath:")) {
                String res = location.substring("classpath:".length());
                try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(res)) {
                    if (in == null) {
                        throw new IllegalArgumentException("SQL file not found on the classpath: " + res);
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else {
                String p = location.startsWith("file:") ? location.substring("file:".length()) : location;
                text = Files.readString(Path.of(p), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL file " + location + ": " + e.getMessage(), e);
        }
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\\R")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("--")) {
                continue;
            }
            int comment = line.indexOf(" --");
            sb.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        return sb.toString().strip();
    }

    /** Splits a script into statements at each ';' that ends a line. */
    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        for (String s : script.split(";\\s*(\\R|$)")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
