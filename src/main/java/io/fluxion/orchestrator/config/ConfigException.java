package io.fluxion.orchestrator.config;

/** A configuration value that cannot be used; the message always names the key. */
public class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super("Invalid configuration '" + key + "': " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
