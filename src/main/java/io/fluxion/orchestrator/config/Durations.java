package io.fluxion.orchestrator.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations of the configuration: {@code 500ms}, {@code 5s}, {@code 3m}, {@code 4h}, {@code 1d} or ISO-8601 ({@code PT3M}). */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String key, String text) {
        String value = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        Matcher m = SIMPLE.matcher(value);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(value.toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            // not a duration, or too long for one (a number past Long.MAX_VALUE, days past Duration's range)
            throw new ConfigException(key, "'" + text + "' is not a duration (use e.g. 500ms, 5s, 3m, 4h or PT3M)");
        }
    }

    /** Short human form used in logs and the API: 1h05m, 3m20s, 850ms. */
    public static String format(Duration d) {
        if (d == null) {
            return "-";
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
}
