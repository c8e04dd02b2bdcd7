package dev.griddle.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line options as {@code --name value} pairs; {@code --url} and {@code --key} fall back
 * to {@code GRIDDLE_URL} and {@code GRIDDLE_KEY}. Every option a scenario reads is remembered, so
 * the result lines can name the parameters actually used (defaults included).
 */
final class Options {

    private final Map<String, String> given;
    private final Map<String, Object> used = new LinkedHashMap<>();

    private Options(Map<String, String> given) {
        this.given = given;
    }

    static Options parse(String[] args, Map<String, String> env) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; options look like --name value");
            }
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                given.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.length) {
                given.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
        }
        given.putIfAbsent("url", env.get("GRIDDLE_URL"));
        given.putIfAbsent("key", env.get("GRIDDLE_KEY"));
        given.values().removeIf(v -> v == null);
        return new Options(given);
    }

    /** A required option that is not a parameter of the scenario (url, key, scenario). */
    String required(String name) {
        String value = given.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    /** An option that is not a parameter of the scenario, or null (e.g. {@code --pid}). */
    String optional(String name) {
        String value = given.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    String string(String name, String fallback) {
        String value = given.getOrDefault(name, fallback);
        used.put(name, value);
        return value;
    }

    int integer(String name, int fallback) {
        return (int) longValue(name, fallback, 1, Integer.MAX_VALUE);
    }

    long longValue(String name, long fallback, long min, long max) {
        String raw = given.get(name);
        long value;
        try {
            value = raw == null ? fallback : Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + " must be in " + min + ".." + max + ", was " + value);
        }
        used.put(name, value);
        return value;
    }

    /** The parameters read so far, with their effective values, in reading order. */
    Map<String, Object> parameters() {
        return new LinkedHashMap<>(used);
    }
}
