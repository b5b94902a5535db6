package io.fluxion.orchestrator.monitoring;

import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.config.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * {@code fluxion.alerts.*}, read and validated once (each error names its key).
 *
 * @param webhookUrl     Slack-compatible webhook ({@code {"text": ...}}), null when none; a secret, never logged
 * @param webhookRetries further tries of a post that failed (connection error, timeout, non-2xx)
 * @param webhookTimeout connect and answer timeout of one post
 * @param maxDuration    a window run longer than this is an alert (while it runs)
 * @param daysBehind     a store whose last loaded date is more than this many days before yesterday is an alert
 * @param klkFailures    this many KLK runs of one route failed in a row is an alert
 * @param summary        also a summary alert after every window run
 * @param checkInterval  how often the running window and the stores' lag are checked
 */
public record AlertSettings(URI webhookUrl, int webhookRetries, Duration webhookTimeout, Duration maxDuration,
                            int daysBehind, int klkFailures, boolean summary, Duration checkInterval) {

    public static AlertSettings load(Function<String, String> props) {
        String url = props.apply("fluxion.alerts.webhook-url");
        URI uri = null;
        if (url != null && !url.isBlank()) {
            try {
                uri = URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                // the value itself is a secret: never repeat it
                throw new ConfigException("fluxion.alerts.webhook-url", "not an http(s) URL (value not shown: it is a secret)");
            }
        }
        return new AlertSettings(uri,
                nonNegative("fluxion.alerts.webhook-retries", props.apply("fluxion.alerts.webhook-retries"), 3),
                positive("fluxion.alerts.webhook-timeout", props.apply("fluxion.alerts.webhook-timeout"), "5s"),
                positive("fluxion.alerts.max-duration", props.apply("fluxion.alerts.max-duration"), "5h"),
                nonNegative("fluxion.alerts.days-behind", props.apply("fluxion.alerts.days-behind"), 7),
                Math.max(1, nonNegative("fluxion.alerts.klk-failures", props.apply("fluxion.alerts.klk-failures"), 3)),
                bool("fluxion.alerts.summary", props.apply("fluxion.alerts.summary")),
                positive("fluxion.alerts.check-interval", props.apply("fluxion.alerts.check-interval"), "1m"));
    }

    public boolean hasWebhook() {
        return webhookUrl != null;
    }

    private static int nonNegative(String key, String value, int dflt) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ConfigException(key, "'" + value + "' is not a whole number >= 0");
    }

    private static Duration positive(String key, String value, String dflt) {
        Duration d = Durations.parse(key, value == null || value.isBlank() ? dflt : value);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, "must be longer than zero");
        }
        return d;
    }

    private static boolean bool(String key, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.trim().toLowerCase();
        if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException(key, "'" + value + "' is not true or false");
        }
        return Boolean.parseBoolean(v);
    }

    @Override
    public String toString() {
        return "AlertSettings[webhook=" + (webhookUrl == null ? "none" : "set (not shown)") + ", retries=" + webhookRetries
                + ", timeout=" + Durations.format(webhookTimeout) + ", maxDuration=" + Durations.format(maxDuration)
                + ", daysBehind=" + daysBehind + ", klkFailures=" + klkFailures + ", summary=" + summary
                + ", checkInterval=" + Durations.format(checkInterval) + "]";
    }
}
