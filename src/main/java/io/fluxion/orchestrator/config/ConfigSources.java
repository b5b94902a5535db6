package io.fluxion.orchestrator.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where the sources of the configuration are layered (SPEC 7). Lowest first:
 * <ol>
 *   <li>the jar's {@code application.properties};</li>
 *   <li>the operator file named by {@code -Dfluxion.config} or the environment variable {@code FLUXION_CONFIG};</li>
 *   <li>environment variables: a key in upper case with {@code .} and {@code -} as {@code _};</li>
 *   <li>JVM system properties ({@code -Dname=value}) whose name starts with {@code fluxion.} or {@code camel.};</li>
 *   <li>overrides given in code (run-window's one-shot keys, tests).</li>
 * </ol>
 * The result, {@link #properties()}, is handed to Camel as its only property source (override
 * properties, with Camel's own environment and system-property lookups moved behind it), so the
 * application's beans, the routes' placeholders and camel-main's {@code camel.*} options all see the
 * same value for a key.
 *
 * <p>An environment variable sets a key that a file names (FLUXION_ETL_PARALLELISM sets
 * {@code fluxion.etl.parallelism}). Three kinds need no file: a key the application asks for by its
 * name (FLUXION_API_TOKEN: Camel's environment lookup finds it); a store, FLUXION_STORES_&lt;ID&gt;_URL,
 * _NAME, _SYSTEM, _ENABLED, _USER, _PASSWORD (the id is lower-cased, unless a file names a store whose
 * id reads the same in upper case with '-' as '_'); and any other CAMEL_* variable, read as camel-main
 * reads it (lower case, '_' as '.').
 *
 * <p>{@code camel.*} keys are compared ignoring case and dashes, as Camel compares them.
 */
public final class ConfigSources {
    public static final String OPERATOR_FILE_ENV = "FLUXION_CONFIG";
    public static final String OPERATOR_FILE_PROPERTY = "fluxion.config";
    public static final String JAR_FILE = "application.properties";

    /** FLUXION_STORES_TIENDA_01_URL: group 1 the store id as written in the name, group 2 the field. */
    private static final Pattern ENV_STORE = Pattern.compile("FLUXION_STORES_([A-Z0-9_]+)_(URL|NAME|SYSTEM|ENABLED|USER|PASSWORD)");
    private static final Pattern STORE_KEY = Pattern.compile("fluxion\\.stores\\.([^.]+)\\..+");
    private static final int MAX_NAMES_LOGGED = 40;

    /** Where a value comes from. */
    public enum Layer {
        JAR("application.properties in the jar"),
        FILE("operator file"),
        ENV("environment"),
        SYSTEM("-D"),
        OVERRIDE("overrides in code");

        private final String label;

        Layer(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One key's value and where it comes from ({@code origin}: the environment variable's name, the file...). */
    public record Entry(String key, String value, Layer layer, String origin) {
    }

    private final Map<String, Entry> entries; // canonical key -> winning entry
    private final Path operatorFile;
    private final Map<Layer, List<String>> names; // per layer, the keys (or variable names) it set
    private final Map<String, String> env;
    private final List<String> envByName; // FLUXION_* variables no file names: read when the app asks by key

    private ConfigSources(Map<String, Entry> entries, Path operatorFile, Map<Layer, List<String>> names,
                          Map<String, String> env, List<String> envByName) {
        this.entries = entries;
        this.operatorFile = operatorFile;
        this.names = names;
        this.env = Map.copyOf(env);
        this.envByName = List.copyOf(envByName);
    }

    /**
     * The sources of this process: the jar's application.properties from the class path, the operator file,
     * the environment, the system properties, then the overrides.
     *
     * @throws ConfigException naming FLUXION_CONFIG (or fluxion.config) when the operator file cannot be read
     */
    public static ConfigSources load(Map<String, String> env, Properties system, Map<String, String> overrides) {
        Properties jar = jarDefaults();
        Path file = operatorFile(env, system);
        Properties operator = null;
        if (file != null) {
            String key = system.getProperty(OPERATOR_FILE_PROPERTY) != null ? OPERATOR_FILE_PROPERTY : OPERATOR_FILE_ENV;
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(key, "the operator file " + file + " does not exist or is not a file");
            }
            operator = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                operator.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(key, "cannot read the operator file " + file + ": " + e.getMessage());
            }
        }
        return of(jar, file, operator, env, system, overrides);
    }

    /** The jar's application.properties (the embedded defaults), read from the class path. */
    public static Properties jarDefaults() {
        Properties jar = new Properties();
        try (InputStream in = ConfigSources.class.getClassLoader().getResourceAsStream(JAR_FILE)) {
            if (in != null) {
                jar.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new ConfigException(JAR_FILE, "cannot read the jar's " + JAR_FILE + ": " + e.getMessage());
        }
        return jar;
    }

    /** The operator file's path: {@code -Dfluxion.config}, else FLUXION_CONFIG, else none. */
    public static Path operatorFile(Map<String, String> env, Properties system) {
        String name = system.getProperty(OPERATOR_FILE_PROPERTY);
        if (name == null || name.isBlank()) {
            name = env.get(OPERATOR_FILE_ENV);
        }
        return name == null || name.isBlank() ? null : Path.of(name.trim()).toAbsolutePath().normalize();
    }

    /** Layers the given sources (the mechanism itself, without reading any file). */
    public static ConfigSources of(Properties jar, Path operatorFile, Properties operator, Map<String, String> env,
                                   Properties system, Map<String, String> overrides) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<Layer, List<String>> names = new LinkedHashMap<>();
        for (Layer l : Layer.values()) {
            names.put(l, new ArrayList<>());
        }
        put(entries, names, Layer.JAR, jar, JAR_FILE);
        if (operator != null) {
            put(entries, names, Layer.FILE, operator, String.valueOf(operatorFile));
        }

        // environment: first the keys the files name, then stores and other camel.* variables
        Set<String> claimed = new HashSet<>();
        List<String> byName = new ArrayList<>();
        for (Entry e : List.copyOf(entries.values())) {
            String var = envName(e.key());
            String value = env.get(var);
            if (value != null) {
                claimed.add(var);
                set(entries, names, new Entry(e.key(), value, Layer.ENV, var), var);
            }
        }
        Map<String, String> storeIds = new TreeMap<>(); // STORE ID as in a variable name -> id in the files
        for (Entry e : entries.values()) {
            Matcher m = STORE_KEY.matcher(e.key());
            if (m.matches()) {
                storeIds.putIfAbsent(envName(m.group(1)), m.group(1));
            }
        }
        for (Map.Entry<String, String> v : new TreeMap<>(env).entrySet()) {
            String var = v.getKey();
            if (claimed.contains(var)) {
                continue;
            }
            Matcher m = ENV_STORE.matcher(var);
            if (m.matches()) {
                String id = storeIds.getOrDefault(m.group(1), m.group(1).toLowerCase(Locale.ROOT));
                String key = "fluxion.stores." + id + "." + m.group(2).toLowerCase(Locale.ROOT);
                set(entries, names, new Entry(key, v.getValue(), Layer.ENV, var), var);
            } else if (var.startsWith("CAMEL_") && !kubernetesService(var)) {
                String key = var.toLowerCase(Locale.ROOT).replace('_', '.');
                set(entries, names, new Entry(key, v.getValue(), Layer.ENV, var), var);
            } else if (var.startsWith("FLUXION_") && !var.equals(OPERATOR_FILE_ENV)) {
                byName.add(var); // FLUXION_API_TOKEN: found when the app asks for fluxion.api.token
            }
        }

        for (String key : new java.util.TreeSet<>(system.stringPropertyNames())) {
            if (key.startsWith("fluxion.") || key.startsWith("camel.")) {
                set(entries, names, new Entry(key, system.getProperty(key), Layer.SYSTEM, "-D" + key), key);
            }
        }
        for (Map.Entry<String, String> o : new TreeMap<>(overrides).entrySet()) {
            if (o.getValue() != null) {
                set(entries, names, new Entry(o.getKey(), o.getValue(), Layer.OVERRIDE, "override"), o.getKey());
            }
        }
        return new ConfigSources(entries, operatorFile, names, env, byName);
    }

    /** The environment variable of a key (SPEC 7): upper case, '.' and '-' as '_'. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Every key with its winning value, in the spelling of the lowest layer that named it. */
    public Map<String, String> properties() {
        Map<String, String> out = new LinkedHashMap<>();
        entries.values().forEach(e -> out.put(e.key(), e.value()));
        return out;
    }

    /**
     * The value of a key: the winning source's, else (a key no source names) its environment variable,
     * as Camel looks it up; null when neither has it.
     */
    public String get(String key) {
        Entry e = entries.get(canonical(key));
        return e == null ? env.get(envName(key)) : e.value();
    }

    /** The winning entry of a key (value and origin), or null. */
    public Entry entry(String key) {
        return entries.get(canonical(key));
    }

    public Path operatorFile() {
        return operatorFile;
    }

    /**
     * One line for the start-up log: which sources were read and which keys each set (names only,
     * never values: a value may be a secret), lowest first.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("Configuration sources, lowest first: ");
        sb.append(JAR_FILE).append(" in the jar (").append(names.get(Layer.JAR).size()).append(" keys)");
        sb.append("; operator file ");
        sb.append(operatorFile == null ? "none (FLUXION_CONFIG not set)"
                : operatorFile + " (" + names.get(Layer.FILE).size() + " keys)");
        for (Layer l : List.of(Layer.ENV, Layer.SYSTEM, Layer.OVERRIDE)) {
            List<String> n = names.get(l);
            if (l == Layer.OVERRIDE && n.isEmpty()) {
                continue;
            }
            sb.append("; ").append(l.label()).append(": ").append(n.isEmpty() ? "none" : bounded(n));
            if (l == Layer.ENV && !envByName.isEmpty()) {
                sb.append(" (and read by their key's name: ").append(bounded(envByName)).append(")");
            }
        }
        return sb.toString();
    }

    private static String bounded(List<String> n) {
        return String.join(", ", n.subList(0, Math.min(n.size(), MAX_NAMES_LOGGED)))
                + (n.size() > MAX_NAMES_LOGGED ? " and " + (n.size() - MAX_NAMES_LOGGED) + " more" : "");
    }

    /** The keys (or variable names) each layer set, for tests and the log. */
    public Map<Layer, List<String>> names() {
        Map<Layer, List<String>> out = new LinkedHashMap<>();
        names.forEach((k, v) -> out.put(k, Collections.unmodifiableList(v)));
        return out;
    }

    private static void put(Map<String, Entry> entries, Map<Layer, List<String>> names, Layer layer, Properties p,
                            String origin) {
        for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
            set(entries, names, new Entry(key, p.getProperty(key), layer, origin), key);
        }
    }

    private static void set(Map<String, Entry> entries, Map<Layer, List<String>> names, Entry e, String name) {
        String c = canonical(e.key());
        Entry old = entries.get(c);
        // keep the spelling of the lowest layer: the routes' placeholders use the documented spelling
        entries.put(c, old == null ? e : new Entry(old.key(), e.value(), e.layer(), e.origin()));
        names.get(e.layer()).add(name);
    }

    /** camel.* keys are matched as Camel matches them: ignoring case and dashes. */
    static String canonical(String key) {
        return key.startsWith("camel.") ? key.toLowerCase(Locale.ROOT).replace("-", "") : key;
    }

    /** Variables Kubernetes injects for its services (camel-main skips them too). */
    private static boolean kubernetesService(String var) {
        return var.endsWith("_SERVICE_HOST") || var.endsWith("_SERVICE_PORT") || var.endsWith("_PORT")
                || var.contains("_PORT_");
    }
}
