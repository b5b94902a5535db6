package io.fluxion.orchestrator.config;

/**
 * One store's source database. {@code password} is a secret: {@link #toString()} never shows it,
 * and {@link #safeUrl()} is the form of the URL that may be logged.
 */
public record StoreConfig(String id, String name, String system, String url, String user, String password,
                          boolean enabled) {

    public static final String LEGACY = "legacy";
    public static final String KLK = "klk";

    public boolean isKlk() {
        return KLK.equals(system);
    }

    /** The JDBC URL with any password-like property blanked out, for logs and the API. */
    public String safeUrl() {
        return Secrets.redactUrl(url);
    }

    @Override
    public String toString() {
        return "Store[" + id + " " + name + " " + system + " " + safeUrl() + (enabled ? "" : " disabled") + "]";
    }
}
