package io.fluxion.orchestrator.config;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * The whole configuration contract (SPEC section 7), read once at start into typed values and
 * validated: a bad value stops the start with the key's name in the message.
 *
 * @param dataDir      folder of the DuckDB file, the ledger and the demo stores
 * @param duckdbPath   the analytics DuckDB file the backend reads
 * @param ledgerUrl    JDBC URL of the run ledger (H2 file under the data dir by default)
 * @param api          the HTTP API's token and limits
 * @param ledgerUser   user of a ledger on a server (fluxion.ledger.user); null: the driver's default
 * @param ledgerPassword its password (fluxion.ledger.password, a secret: never shown); null when not set
 */
public record FluxionConfig(Path dataDir, Path duckdbPath, String ledgerUrl, Window window, Backend backend, Etl etl, Klk klk,
                            boolean demoEnabled, List<StoreConfig> stores, Api api, String ledgerUser, String ledgerPassword,
                            Inventory inventory, Gaps gaps) {

    /** Any key of a store: {@code fluxion.stores.<id>.<setting>}; the store is declared by any of them. */
    private static final Pattern STORE_KEY = Pattern.compile("fluxion\\.stores\\.([^.]+)\\..+");
    private static final Pattern STORE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** The nightly window: when it opens and closes, in which zone, and which store systems it loads. */
    public record Window(ZoneId zone, LocalTime start, LocalTime end, boolean enabled, Set<String> systems,
                         int recoveryDays, String strategy, int maxMerges) {
        /** Pull into staging files while the backend serves; stop it only to merge (issue 16). */
        public static final String STAGED = "staged";
        /** Stop the backend, pull straight into the analytics file, start it (the seeds' behaviour). */
        public static final String STOP_FIRST = "stop-first";

        public Window(ZoneId zone, LocalTime start, LocalTime end, boolean enabled, Set<String> systems,
                      int recoveryDays) {
            this(zone, start, end, enabled, systems, recoveryDays, STOP_FIRST, 2);
        }

        public boolean staged() {
            return STAGED.equals(strategy);
        }

        /** Quartz cron for the window start, evaluated in {@link #zone()}. */
        public String cron() {
            return "0 " + start.getMinute() + " " + start.getHour() + " * * ?";
        }

        /** "1:00 AM - 6:00 AM", the format the frontend shows. */
        public String label() {
            return clock12(start) + " - " + clock12(end);
        }

        public static String clock12(LocalTime t) {
            int h = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
            return h + ":" + String.format("%02d", t.getMinute()) + (t.getHour() < 12 ? " AM" : " PM");
        }
    }

    /** How the backend on ECS is stopped and started. */
    public record Backend(String mode, String cluster, String service, String region, String endpoint,
                          int desiredCount, Duration stopTimeout, Duration startTimeout, Duration pollInterval) {
        public static final String NONE = "none";
        public static final String DRY_RUN = "dry-run";
        public static final String ECS = "ecs";

        /** The endpoint override without credentials (it is printed in the start-up line). */
        @Override
        public String toString() {
            return "Backend[mode=" + mode + ", cluster=" + cluster + ", service=" + service + ", region=" + region
                    + ", endpoint=" + Secrets.redactUrl(endpoint) + ", desiredCount=" + desiredCount + ", stopTimeout="
                    + stopTimeout + ", startTimeout=" + startTimeout + ", pollInterval=" + pollInterval + "]";
        }
    }

    /** The chunked pull and the load. */
    public record Etl(int redeliveries, Duration redeliveryDelay, int chunkSize, int parallelism, int maxAttempts,
                      Duration retryInterval, Duration storeTimeout, Duration maxDuration, Duration queryTimeout,
                      Duration connectTimeout, String salesQuery) {
    }

    /** The 30-minute KLK routes. */
    public record Klk(String mode, String backendUrl, boolean enabled, String inventoryCron, String salesCron,
                      int retries, Duration maxAge, Duration timeout) {
        /** The backend URL without credentials (https://user:***@host): it is printed in the start-up line. */
        @Override
        public String toString() {
            return "Klk[mode=" + mode + ", backendUrl=" + Secrets.redactUrl(backendUrl) + ", enabled=" + enabled
                    + ", inventoryCron=" + inventoryCron + ", salesCron=" + salesCron + ", retries=" + retries
                    + ", maxAge=" + maxAge + ", timeout=" + timeout + "]";
        }
    }

    /**
     * Route inventory-all (SPEC 2.7, seed 001): every enabled store's inventory snapshot on a cron.
     *
     * @param timeout no store of a run starts, and no chunk runs, past this time after the run started
     */
    public record Inventory(boolean enabled, String cron, Duration timeout) {
    }

    /**
     * The gaps answer's recovery ranges (seed 002).
     *
     * @param historyStart the first date "Recuperar" looks back to (fluxion.gaps.history-start); null: each store's
     *                     first loaded date
     */
    public record Gaps(java.time.LocalDate historyStart) {
    }

    /**
     * The HTTP API (fluxion.api.*).
     *
     * @param token        bearer token for every request that changes something (at least {@link #MIN_TOKEN} characters);
     *                     null when not configured (those requests are then refused with 503)
     * @param corsOrigin   the other site allowed to call the API from a browser (or *); null: none
     * @param maxStoreDays most (store, date) loads one request may order
     * @param protectReads the GET endpoints under /api need the token too
     */
    public record Api(String token, String corsOrigin, int maxStoreDays, boolean protectReads) {
        public static final int MIN_TOKEN = 32;

        @Override
        public String toString() {
            return "Api[token=" + (token == null ? "unset" : "***") + ", corsOrigin=" + corsOrigin + ", maxStoreDays="
                    + maxStoreDays + ", protectReads=" + protectReads + "]";
        }
    }

    /** Bearer token of the API, null when not configured. */
    public String apiToken() {
        return api.token();
    }

    public List<StoreConfig> enabledStores() {
        return stores.stream().filter(StoreConfig::enabled).toList();
    }

    /** Stores the nightly window loads: enabled and of a system listed in {@code fluxion.window.systems}. */
    public List<StoreConfig> windowStores() {
        return stores.stream().filter(StoreConfig::enabled).filter(s -> window.systems().contains(s.system())).toList();
    }

    public List<StoreConfig> klkStores() {
        return stores.stream().filter(StoreConfig::enabled).filter(StoreConfig::isKlk).toList();
    }

    public StoreConfig store(String id) {
        return stores.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    /** Every secret value of the configuration, to scrub from error messages. */
    public List<String> secrets() {
        List<String> out = new ArrayList<>();
        if (api.token() != null) {
            out.add(api.token());
        }
        for (StoreConfig s : stores) {
            if (s.password() != null) {
                out.add(s.password());
            }
        }
        Secrets.userInfoPassword(klk.backendUrl()).ifPresent(out::add);
        Secrets.userInfoPassword(backend.endpoint()).ifPresent(out::add);
        if (ledgerPassword != null) {
            out.add(ledgerPassword);
        }
        return out;
    }

    /**
     * Reads and validates the configuration.
     *
     * @param props   resolves one key (properties file, then -D, then environment), null when absent
     * @param keys    the keys known to the property sources, to discover {@code fluxion.stores.<id>.*}
     */
    public static FluxionConfig load(Function<String, String> props, Collection<String> keys) {
        Reader r = new Reader(props);
        Path dataDir = Path.of(r.str("fluxion.data-dir", "./data")).toAbsolutePath().normalize();
        String duck = r.str("fluxion.duckdb.path", null);
        Path duckdbPath = duck == null || duck.isBlank() ? dataDir.resolve("fluxion.duckdb")
                : Path.of(duck).toAbsolutePath().normalize();

        ZoneId zone = r.zone("fluxion.window.zone", "America/Caracas");
        LocalTime start = r.time("fluxion.window.start", "01:00");
        LocalTime end = r.time("fluxion.window.end", "06:00");
        if (!end.isAfter(start)) {
            throw new ConfigException("fluxion.window.end", "must be after fluxion.window.start (" + start + ")");
        }
        Set<String> systems = new TreeSet<>();
        for (String s : r.str("fluxion.window.systems", "legacy").split(",")) {
            String sys = s.trim().toLowerCase(Locale.ROOT);
            if (!sys.equals(StoreConfig.LEGACY) && !sys.equals(StoreConfig.KLK)) {
                throw new ConfigException("fluxion.window.systems", "'" + s + "' is not a store system (legacy, klk)");
            }
            systems.add(sys);
        }
        Window window = new Window(zone, start, end, r.bool("fluxion.window.enabled", true), systems,
                r.integer("fluxion.window.recovery-days", 7, 0, 366),
                r.oneOf("fluxion.window.strategy", Window.STAGED, Window.STAGED, Window.STOP_FIRST),
                r.integer("fluxion.window.max-merges", 2, 1, 10));

        String mode = r.oneOf("fluxion.backend.mode", "none", Backend.NONE, Backend.DRY_RUN, Backend.ECS);
        String endpoint = r.str("fluxion.backend.ecs.endpoint", null);
        if (endpoint != null && !endpoint.isBlank() && !endpoint.matches("https?://.+")) {
            throw new ConfigException("fluxion.backend.ecs.endpoint", "'" + Secrets.redactUrl(endpoint) + "' is not an http(s) URL");
        }
        Backend backend = new Backend(mode,
                r.str("fluxion.backend.ecs.cluster", null), r.str("fluxion.backend.ecs.service", null),
                r.str("fluxion.backend.ecs.region", null), blankToNull(endpoint),
                r.integer("fluxion.backend.desired-count", 1, 1, 100),
                r.duration("fluxion.backend.stop-timeout", "3m"), r.duration("fluxion.backend.start-timeout", "5m"),
                r.duration("fluxion.backend.poll-interval", "5s"));
        if (!Backend.NONE.equals(mode)) {
            if (backend.cluster() == null || backend.cluster().isBlank()) {
                throw new ConfigException("fluxion.backend.ecs.cluster", "required when fluxion.backend.mode=" + mode);
            }
            if (backend.service() == null || backend.service().isBlank()) {
                throw new ConfigException("fluxion.backend.ecs.service", "required when fluxion.backend.mode=" + mode);
            }
        }

        Etl etl = new Etl(r.integer("fluxion.etl.redeliveries", 3, 0, 100),
                r.duration("fluxion.etl.redelivery-delay", "2s"),
                r.integer("fluxion.etl.chunk-size", 20000, 1, 1_000_000),
                r.integer("fluxion.etl.parallelism", 1, 1, 64),
                r.integer("fluxion.etl.max-attempts", 3, 1, 100),
                r.duration("fluxion.etl.retry-interval", "20m"),
                r.duration("fluxion.etl.store-timeout", "10m"),
                r.duration("fluxion.etl.max-duration", "4h"),
                r.duration("fluxion.etl.query-timeout", "600s"),
                r.duration("fluxion.etl.connect-timeout", "600s"),
                r.str("fluxion.etl.sales-query", "classpath:sql/ventas-chunk.sql"));

        String klkMode = r.oneOf("fluxion.klk.mode", "direct", "direct", "backend");
        String backendUrl = blankToNull(r.str("fluxion.klk.backend-url", null));
        if ("backend".equals(klkMode) && backendUrl == null) {
            throw new ConfigException("fluxion.klk.backend-url", "required when fluxion.klk.mode=backend");
        }
        if (backendUrl != null && !backendUrl.matches("https?://.+")) {
            throw new ConfigException("fluxion.klk.backend-url", "'" + Secrets.redactUrl(backendUrl) + "' is not an http(s) URL");
        }
        Klk klk = new Klk(klkMode, backendUrl, r.bool("fluxion.klk.enabled", true),
                r.cron("fluxion.klk.inventory.cron", "0 0/30 * * * ?"), r.cron("fluxion.klk.sales.cron", "0 5/30 * * * ?"),
                r.integer("fluxion.klk.retries", 2, 0, 20), r.duration("fluxion.klk.max-age", "1h"),
                r.duration("fluxion.klk.timeout", "2m"));

        boolean demo = r.bool("fluxion.demo.enabled", true);
        Set<String> ids = new TreeSet<>();
        for (String k : keys) {
            Matcher m = STORE_KEY.matcher(k);
            if (m.matches()) {
                ids.add(m.group(1));
            }
        }
        if (demo && !ids.isEmpty()) {
            // never load the demo into a DuckDB meant for real stores, nor ignore the operator's stores silently
            throw new ConfigException("fluxion.demo.enabled", "is true (the 16 demo stores) but stores are configured ("
                    + firstOf(ids, 10) + "): set fluxion.demo.enabled=false (FLUXION_DEMO_ENABLED=false) to use them");
        }
        List<StoreConfig> stores = new ArrayList<>();
        if (!demo) {
            String user = r.str("fluxion.source.user", null);
            String password = r.str("fluxion.source.password", null);
            for (String id : ids) {
                String p = "fluxion.stores." + id + ".";
                if (!STORE_ID.matcher(id).matches()) {
                    throw new ConfigException(p + "url", "store id '" + id + "' may only hold letters, digits, '_' and '-'");
                }
                String url = r.str(p + "url", null);
                if (url == null || url.isEmpty()) {
                    throw new ConfigException(p + "url", "missing: store " + id + " has settings but no JDBC URL"
                            + " (FLUXION_STORES_" + id.toUpperCase(Locale.ROOT).replace('-', '_') + "_URL)");
                }
                if (!url.startsWith("jdbc:") || url.length() < 8) {
                    throw new ConfigException(p + "url", "'" + Secrets.redactUrl(url) + "' is not a JDBC URL (jdbc:sqlserver://host:1433;databaseName=...)");
                }
                String system = r.oneOf(p + "system", StoreConfig.LEGACY, StoreConfig.LEGACY, StoreConfig.KLK);
                stores.add(new StoreConfig(id, r.str(p + "name", id), system, url,
                        r.str(p + "user", user), r.str(p + "password", password), r.bool(p + "enabled", true)));
            }
        }
        String token = blankToNull(r.str("fluxion.api.token", null));
        if (token != null && token.length() < Api.MIN_TOKEN) {
            // the length only: the token itself never reaches a message
            throw new ConfigException("fluxion.api.token", "is " + token.length() + " characters long; at least "
                    + Api.MIN_TOKEN + " are required (e.g. openssl rand -hex 32), set in FLUXION_API_TOKEN");
        }
        String origin = blankToNull(r.str("fluxion.api.cors-origin", null));
        if (origin != null && !origin.equals("*") && !origin.matches("https?://[^/\\s,]+")) {
            throw new ConfigException("fluxion.api.cors-origin", "'" + origin + "' is not one origin"
                    + " (scheme://host[:port], e.g. https://app.example.com, or * for any site)");
        }
        Api api = new Api(token, origin, r.integer("fluxion.api.max-store-days", 400, 1, 100_000),
                r.bool("fluxion.api.protect-reads", false));
        String ledgerUrl = r.str("fluxion.ledger.url", null);
        if (ledgerUrl == null || ledgerUrl.isBlank()) {
            // WRITE_DELAY=0: every commit reaches the file at once, so a killed process loses no ledger
            // row (with H2's default 500 ms a kill -9 lost the last commits: KillRecoveryIT)
            ledgerUrl = "jdbc:h2:file:" + dataDir.resolve("ledger").toString().replace('\\', '/')
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
        } else if (!ledgerUrl.startsWith("jdbc:")) {
            throw new ConfigException("fluxion.ledger.url", "'" + Secrets.redactUrl(ledgerUrl) + "' is not a JDBC URL");
        } else if (!ledgerUrl.startsWith("jdbc:h2:") && !ledgerUrl.startsWith("jdbc:postgresql:")) {
            // the drivers this app ships with; the schema is written for these two
            throw new ConfigException("fluxion.ledger.url", "'" + Secrets.redactUrl(ledgerUrl)
                    + "' is neither PostgreSQL (jdbc:postgresql://host:5432/database) nor H2 (jdbc:h2:...)");
        }
        Inventory inventory = new Inventory(r.bool("fluxion.inventory.enabled", true),
                r.cron("fluxion.inventory.cron", "0 0 0/6 * * ?"), r.duration("fluxion.inventory.timeout", "10m"));
        String historyStart = blankToNull(r.str("fluxion.gaps.history-start", null));
        java.time.LocalDate gapsStart;
        try {
            gapsStart = historyStart == null ? null : java.time.LocalDate.parse(historyStart);
        } catch (DateTimeParseException e) {
            throw new ConfigException("fluxion.gaps.history-start", "'" + historyStart + "' is not a date YYYY-MM-DD");
        }
        if (gapsStart != null && gapsStart.isBefore(java.time.LocalDate.of(2000, 1, 1))) {
            throw new ConfigException("fluxion.gaps.history-start", "must be on or after 2000-01-01");
        }
        return new FluxionConfig(dataDir, duckdbPath, ledgerUrl, window, backend, etl, klk, demo, List.copyOf(stores), api,
                blankToNull(r.str("fluxion.ledger.user", null)), blankToNull(r.str("fluxion.ledger.password", null)),
                inventory, new Gaps(gapsStart));
    }

    /** The H2 file of the default ledger ({@code <data-dir>/ledger.mv.db}), null when fluxion.ledger.url names another. */
    public Path defaultLedgerFile() {
        return ledgerUrl.startsWith("jdbc:h2:file:" + dataDir.resolve("ledger").toString().replace('\\', '/') + ";")
                ? dataDir.resolve("ledger.mv.db") : null;
    }

    /** Same configuration with another store list (the demo stores are known only once created). */
    public FluxionConfig withStores(List<StoreConfig> newStores) {
        return new FluxionConfig(dataDir, duckdbPath, ledgerUrl, window, backend, etl, klk, demoEnabled, List.copyOf(newStores),
                api, ledgerUser, ledgerPassword, inventory, gaps);
    }

    @Override
    public String toString() {
        return "FluxionConfig[dataDir=" + dataDir + ", duckdb=" + duckdbPath + ", ledger=" + Secrets.redactUrl(ledgerUrl) + ", window=" + window
                + ", backend=" + backend + ", etl=" + etl + ", klk=" + klk + ", demo=" + demoEnabled
                + ", stores=" + stores + ", api=" + api + "]";
    }

    /** The first {@code n} names, then how many more: lists in messages stay bounded. */
    static String firstOf(Collection<String> names, int n) {
        List<String> all = List.copyOf(names);
        return String.join(", ", all.subList(0, Math.min(n, all.size())))
                + (all.size() > n ? " and " + (all.size() - n) + " more" : "");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Typed access to raw properties, each failure naming its key. */
    private record Reader(Function<String, String> props) {
        String str(String key, String def) {
            String v = props.apply(key);
            return v == null ? def : v.trim();
        }

        boolean bool(String key, boolean def) {
            String v = str(key, null);
            if (v == null || v.isEmpty()) {
                return def;
            }
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            throw new ConfigException(key, "'" + v + "' is not true or false");
        }

        int integer(String key, int def, int min, int max) {
            String v = str(key, null);
            if (v == null || v.isEmpty()) {
                return def;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw new ConfigException(key, n + " is outside " + min + ".." + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "'" + v + "' is not a whole number");
            }
        }

        Duration duration(String key, String def) {
            Duration d = Durations.parse(key, str(key, def));
            if (d.isNegative()) {
                throw new ConfigException(key, "must not be negative");
            }
            return d;
        }

        ZoneId zone(String key, String def) {
            String v = str(key, def);
            try {
                return ZoneId.of(v);
            } catch (DateTimeException e) {
                throw new ConfigException(key, "'" + v + "' is not a time zone (e.g. America/Caracas)");
            }
        }

        LocalTime time(String key, String def) {
            String v = str(key, def);
            try {
                return LocalTime.parse(v.length() == 4 ? "0" + v : v);
            } catch (DateTimeParseException e) {
                throw new ConfigException(key, "'" + v + "' is not a time of day HH:mm");
            }
        }

        String cron(String key, String def) {
            String v = str(key, def);
            if (!CronExpression.isValidExpression(v)) {
                throw new ConfigException(key, "'" + v + "' is not a Quartz cron expression (e.g. 0 0/30 * * * ?)");
            }
            return v;
        }

        String oneOf(String key, String def, String... allowed) {
            String v = str(key, def).toLowerCase(Locale.ROOT);
            for (String a : allowed) {
                if (a.equals(v)) {
                    return v;
                }
            }
            throw new ConfigException(key, "'" + v + "' is not one of " + String.join(", ", allowed));
        }
    }
}
