package io.fluxion.orchestrator.testing;

import io.fluxion.orchestrator.FluxionConfiguration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Window hours for a test that starts the real app on the real clock (the packaged jar, another
 * process): the window zone is chosen so that it is about noon there now, and the window stays
 * 01:00-06:00. The real hour is then always far outside the window, whatever the time of day the
 * suite runs: no start-up catch-up, no scheduled window, no deadline in the middle of a test.
 */
public final class WindowHours {
    private WindowHours() {
    }

    /** The zone (a fixed offset) where it is between 12:00 and 12:59 now. */
    public static ZoneOffset noonZone() {
        int utcHour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
        return ZoneOffset.ofHours(12 - utcHour); // -11..+12, always a valid offset
    }

    /** fluxion.window.zone/start/end: 01:00-06:00 in {@link #noonZone()}. */
    public static Map<String, String> farFromNow() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("fluxion.window.zone", noonZone().getId());
        p.put("fluxion.window.start", "01:00");
        p.put("fluxion.window.end", "06:00");
        return p;
    }

    /**
     * The properties of a test that starts the app in this JVM: unchanged when the test chose a clock
     * (bean {@code fluxionClock}) or the window hours, else with {@link #farFromNow()}. So no test
     * depends on the hour the suite runs at, and timestamps stay on the real clock.
     */
    public static Map<String, String> unlessChosen(Map<String, String> props, Map<String, Object> beans) {
        if (beans.containsKey(FluxionConfiguration.CLOCK) || props.containsKey("fluxion.window.start")
                || props.containsKey("fluxion.window.end") || props.containsKey("fluxion.window.zone")) {
            return props;
        }
        Map<String, String> out = new LinkedHashMap<>(props);
        out.putAll(farFromNow());
        return out;
    }

    /** The same as JVM arguments ({@code -Dfluxion.window.zone=...}). */
    public static List<String> farFromNowArgs() {
        List<String> out = new ArrayList<>();
        farFromNow().forEach((k, v) -> out.add("-D" + k + "=" + v));
        return out;
    }
}
