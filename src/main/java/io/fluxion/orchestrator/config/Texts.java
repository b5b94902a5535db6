package io.fluxion.orchestrator.config;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Texts that grow with their input, bounded: clipped free text, summarised lists ("a, b, ... and 230
 * more"), and business dates written as ranges ("2025-01-01..2025-12-31") so that any request fits a
 * ledger column and can be read back.
 */
public final class Texts {
    /** Longest free text the ledger stores in a reason, detail or error column (they are VARCHAR(4000)). */
    public static final int LEDGER_TEXT = 4000;

    private Texts() {
    }

    /** The text itself when it fits in {@code max} characters, else its start and a note of the characters cut. */
    public static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        String tail = " ... (" + (s.length() - max) + " more characters)";
        if (max <= tail.length()) {
            return s.substring(0, max);
        }
        return s.substring(0, max - tail.length()) + tail;
    }

    /** "a, b, c" when there are at most {@code shown} items, else the first {@code shown} and "... and N more". */
    public static String list(Collection<?> items, int shown) {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (Object o : items) {
            if (i++ == shown) {
                break;
            }
            out.add(String.valueOf(o));
        }
        String s = String.join(", ", out);
        return items.size() > shown ? s + ", ... and " + (items.size() - shown) + " more" : s;
    }

    /**
     * Dates as comma-separated ranges, oldest first: consecutive dates become {@code first..last}, a lone
     * date stays as it is ("2026-10-01..2026-10-31,2026-11-03"). 366 consecutive dates take 22 characters.
     */
    public static String dateRanges(Collection<LocalDate> dates) {
        TreeSet<LocalDate> sorted = new TreeSet<>(dates);
        List<String> parts = new ArrayList<>();
        LocalDate start = null;
        LocalDate prev = null;
        for (LocalDate d : sorted) {
            if (start == null) {
                start = d;
            } else if (!d.equals(prev.plusDays(1))) {
                parts.add(range(start, prev));
                start = d;
            }
            prev = d;
        }
        if (start != null) {
            parts.add(range(start, prev));
        }
        return String.join(",", parts);
    }

    /**
     * Reads what {@link #dateRanges} wrote, and the older form (every date, comma separated).
     *
     * @throws DateTimeParseException on a part that is not a date or a range of dates
     */
    public static List<LocalDate> parseDates(String s) {
        List<LocalDate> out = new ArrayList<>();
        if (s == null || s.isBlank()) {
            return out;
        }
        for (String part : s.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int dots = p.indexOf("..");
            if (dots < 0) {
                out.add(LocalDate.parse(p));
                continue;
            }
            LocalDate from = LocalDate.parse(p.substring(0, dots));
            LocalDate to = LocalDate.parse(p.substring(dots + 2));
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                out.add(d);
            }
        }
        return out;
    }

    /** Dates for a log line or a detail: the ranges (at most 400 characters), with the count when there are several. */
    public static String dates(Collection<LocalDate> dates) {
        String r = clip(dateRanges(dates), 400);
        int n = new TreeSet<>(dates).size();
        return n <= 1 ? (r.isEmpty() ? "none" : r) : r + " (" + n + " dates)";
    }

    private static String range(LocalDate a, LocalDate b) {
        return a.equals(b) ? a.toString() : a + ".." + b;
    }
}
