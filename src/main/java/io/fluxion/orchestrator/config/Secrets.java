package io.fluxion.orchestrator.config;

import java.util.regex.Pattern;

/** Keeps secrets out of logs, errors and API responses. */
public final class Secrets {
    private static final Pattern URL_SECRET = Pattern.compile(
            "(?i)((?:password|pwd|passwd|secret|token|accesskey|secretkey)\\s*=)[^;&]*");
    private static final Pattern USERINFO = Pattern.compile("(//[^/:@;]*:)[^@/]+@");

    private Secrets() {
    }

    /** Blanks out {@code password=...}-style properties and {@code user:pass@} in a JDBC or HTTP URL. */
    public static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        String s = URL_SECRET.matcher(url).replaceAll("$1***");
        return USERINFO.matcher(s).replaceAll("$1***@");
    }

    /** The password of an http(s) URL's user info ({@code https://user:password@host}), if it has one. */
    public static java.util.Optional<String> userInfoPassword(String url) {
        if (url == null) {
            return java.util.Optional.empty();
        }
        java.util.regex.Matcher m = Pattern.compile("//[^/:@;]*:([^@/]+)@").matcher(url);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /** Removes every occurrence of the given secret values from a text (e.g. a driver's error message). */
    public static String scrub(String text, Iterable<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = redactUrl(text);
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 3) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }
}
