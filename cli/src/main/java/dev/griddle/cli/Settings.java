package dev.griddle.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Where the CLI connects and with which key. Each value comes from the first of: the flag
 * ({@code --url}, {@code --key}); the profile named by {@code --profile} or {@code GRIDDLE_PROFILE};
 * the environment ({@code GRIDDLE_URL}, {@code GRIDDLE_KEY}); the file's {@code default_profile};
 * and for the URL {@code http://localhost:8080}. The profiles file is
 * {@code $XDG_CONFIG_HOME/griddle/config.yaml} ({@code ~/.config/griddle/config.yaml} without it):
 *
 * <pre>
 * default_profile: local
 * profiles:
 *   local: {url: http://localhost:8080, key: grd_live_...}
 * </pre>
 */
record Settings(String url, String key, String profile) {

    static final String DEFAULT_URL = "http://localhost:8080";
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    static Path configFile(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("griddle").resolve("config.yaml");
    }

    static Settings resolve(String flagUrl, String flagKey, String flagProfile, Map<String, String> env, Path file) {
        JsonNode config = read(file);
        String named = flagProfile != null ? flagProfile : blankToNull(env.get("GRIDDLE_PROFILE"));
        JsonNode explicit = null;
        if (named != null) {
            explicit = config.path("profiles").path(named);
            if (!explicit.isObject()) {
                throw new CliFailure(ExitCodes.USAGE, "no profile '" + named + "' in " + file);
            }
        }
        String defaultName = config.path("default_profile").asString(null);
        JsonNode fallback = named == null && defaultName != null ? config.path("profiles").path(defaultName) : null;
        if (fallback != null && !fallback.isObject()) {
            throw new CliFailure(ExitCodes.USAGE, "default_profile '" + defaultName + "' is not among the profiles of " + file);
        }
        String url = first(flagUrl, text(explicit, "url"), blankToNull(env.get("GRIDDLE_URL")), text(fallback, "url"), DEFAULT_URL);
        String key = first(flagKey, text(explicit, "key"), blankToNull(env.get("GRIDDLE_KEY")), text(fallback, "key"));
        return new Settings(url, key, named != null ? named : fallback != null ? defaultName : null);
    }

    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            return YAML.createObjectNode();
        }
        try {
            JsonNode root = YAML.readTree(Files.readString(file));
            return root == null || root.isMissingNode() || root.isNull() ? YAML.createObjectNode() : root;
        } catch (JacksonException e) {
            throw new CliFailure(ExitCodes.USAGE, file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String text(JsonNode profile, String field) {
        return profile == null ? null : blankToNull(profile.path(field).asString(null));
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
