package io.fluxion.orchestrator.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Two instances, one leader (SPEC 2.8): the {@code fluxion.cluster.*} properties, validated.
 *
 * @param enabled            {@code fluxion.cluster.enabled} [false]: one instance, always the leader
 * @param lockDir            {@code fluxion.cluster.lock-dir}: a folder on the storage both instances share (EFS)
 * @param nodeId             {@code fluxion.cluster.node-id} [the host name]: this instance in the logs, the ledger, the API
 * @param namespace          {@code fluxion.cluster.namespace} [fluxion]: the lock file's name in the lock folder
 * @param acquireInterval    {@code fluxion.cluster.acquire-interval} [10s]: how often the leader writes its heartbeat
 *                           and a follower looks at it (every instance must use the same value)
 * @param heartbeatMultiplier {@code fluxion.cluster.heartbeat-multiplier} [5]: a follower takes over when the leader's
 *                           heartbeat is older than acquire-interval times this
 * @param acquireDelay       {@code fluxion.cluster.acquire-delay} [1s]: first attempt after the start when a leader
 *                           seems to exist
 */
public record ClusterConfig(boolean enabled, Path lockDir, String nodeId, String namespace, Duration acquireInterval,
                            int heartbeatMultiplier, Duration acquireDelay) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** The configuration of a single instance (the default). */
    public static ClusterConfig single() {
        return new ClusterConfig(false, null, host(), "fluxion", Duration.ofSeconds(10), 5, Duration.ofSeconds(1));
    }

    /** Reads and validates {@code fluxion.cluster.*}; a bad value names its key. */
    public static ClusterConfig load(Function<String, String> props) {
        boolean enabled = bool(props, "fluxion.cluster.enabled");
        String node = str(props, "fluxion.cluster.node-id", host());
        if (!NAME.matcher(node).matches()) {
            throw new ConfigException("fluxion.cluster.node-id", "'" + Texts.clip(node, 100)
                    + "' is not a node name (letters, digits, '.', '_', '-'; at most 100)");
        }
        String ns = str(props, "fluxion.cluster.namespace", "fluxion");
        if (!NAME.matcher(ns).matches()) {
            throw new ConfigException("fluxion.cluster.namespace", "'" + Texts.clip(ns, 100)
                    + "' is not a file name (letters, digits, '.', '_', '-'; at most 100)");
        }
        Duration interval = duration(props, "fluxion.cluster.acquire-interval", "10s");
        if (interval.toMillis() < 100) {
            throw new ConfigException("fluxion.cluster.acquire-interval", "must be at least 100ms");
        }
        Duration delay = duration(props, "fluxion.cluster.acquire-delay", "1s");
        String m = str(props, "fluxion.cluster.heartbeat-multiplier", "5");
        int multiplier;
        try {
            multiplier = Integer.parseInt(m);
        } catch (NumberFormatException e) {
            throw new ConfigException("fluxion.cluster.heartbeat-multiplier", "'" + Texts.clip(m, 40) + "' is not a whole number");
        }
        if (multiplier < 2 || multiplier > 100) {
            throw new ConfigException("fluxion.cluster.heartbeat-multiplier", multiplier + " is outside 2..100");
        }
        String dir = str(props, "fluxion.cluster.lock-dir", "");
        Path lockDir = dir.isBlank() ? null : Path.of(dir);
        if (enabled && lockDir == null) {
            throw new ConfigException("fluxion.cluster.lock-dir", "must name a folder on the storage both instances share"
                    + " when fluxion.cluster.enabled is true");
        }
        return new ClusterConfig(enabled, lockDir, node, ns, interval, multiplier, delay);
    }

    /** Longest a dead leader keeps the leadership: a follower sees its heartbeat stale, then takes the lock. */
    public Duration failoverBound() {
        // a follower looks every interval: the heartbeat must look unchanged for multiplier intervals, plus the
        // interval it took to notice and the one in which it takes the lock
        return acquireInterval.multipliedBy(heartbeatMultiplier + 2L);
    }

    @Override
    public String toString() {
        return enabled ? "cluster on (node " + nodeId + ", lock " + lockDir + "/" + namespace + ", heartbeat every "
                + Durations.format(acquireInterval) + ", leader stale after " + Durations.format(
                acquireInterval.multipliedBy(heartbeatMultiplier)) + ")" : "cluster off (node " + nodeId + ")";
    }

    private static String str(Function<String, String> props, String key, String def) {
        String v = props.apply(key);
        return v == null || v.isBlank() ? def : v.trim();
    }

    private static boolean bool(Function<String, String> props, String key) {
        String v = str(props, key, "false");
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new ConfigException(key, "'" + Texts.clip(v, 40) + "' is not true or false");
    }

    private static Duration duration(Function<String, String> props, String key, String def) {
        Duration d = Durations.parse(key, str(props, key, def));
        if (d.isNegative()) {
            throw new ConfigException(key, "must not be negative");
        }
        return d;
    }

    /** The host name (the container's in ECS), as the node's default name. */
    static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                h = "node";
            }
        }
        h = h.replaceAll("[^A-Za-z0-9._-]", "-");
        if (h.isEmpty() || !Character.isLetterOrDigit(h.charAt(0))) {
            h = "n" + h;
        }
        return h.length() > 100 ? h.substring(0, 100) : h;
    }
}
