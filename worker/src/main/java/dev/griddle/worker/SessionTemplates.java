package dev.griddle.worker;

import dev.griddle.sdk.worker.SessionTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads {@code --session-templates FILE}: {@code templates: [{name, command: [argv...], labels?,
 * exec?, idle_after_ms?, max_duration_ms?, max_output_bytes?, env_secrets?: [NAME]}]}. Strict: an
 * unknown field, a wrong type, a duplicate name or key is an error naming the template. Hostile
 * YAML is refused: the file is capped at {@value #MAX_BYTES} bytes, aliases are refused, nesting is capped at 20
 * levels.
 */
final class SessionTemplates {

    static final int MAX_BYTES = 256 * 1024;
    static final int MAX_TEMPLATES = 100;
    private static final Set<String> FIELDS = Set.of("name", "command", "labels", "exec", "idle_after_ms", "max_duration_ms",
            "max_output_bytes", "env_secrets");

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .loadSettings(LoadSettings.builder().setAllowDuplicateKeys(false).setMaxAliasesForCollections(10)
                            .setAllowRecursiveKeys(false).setCodePointLimit(MAX_BYTES).build())
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20).build())
                    .build())
            .build();

    private SessionTemplates() {
    }

    static List<SessionTemplate> load(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is over " + MAX_BYTES + " bytes");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static List<SessionTemplate> parse(String text) {
        if (text.length() > MAX_BYTES) {
            throw new IllegalArgumentException("the templates file is over " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try (tools.jackson.core.JsonParser parser = YAML.createParser(text)) {
            // aliases are refused outright: an alias bomb cannot grow, and no value is another's in disguise
            while (parser.nextToken() != null) {
                if (parser instanceof tools.jackson.dataformat.yaml.YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw new IllegalArgumentException("the templates file must not use YAML aliases (*name)");
                }
            }
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the templates file is not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("templates").isArray()) {
            throw new IllegalArgumentException("the templates file must be a mapping with a list 'templates'");
        }
        if (root.size() != 1) {
            throw new IllegalArgumentException("the templates file has fields other than 'templates': " + root.propertyNames());
        }
        JsonNode list = root.path("templates");
        if (list.size() > MAX_TEMPLATES) {
            throw new IllegalArgumentException("at most " + MAX_TEMPLATES + " templates, the file has " + list.size());
        }
        List<SessionTemplate> templates = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode t : list) {
            String where = "templates[" + i++ + "]";
            if (!t.isObject()) {
                throw new IllegalArgumentException(where + " must be a mapping");
            }
            for (String field : t.propertyNames()) {
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException(where + ": unknown field '" + field + "' (known: " + FIELDS + ")");
                }
            }
            if (!t.path("name").isString()) {
                throw new IllegalArgumentException(where + ": name is required (a string)");
            }
            String name = t.path("name").asString();
            where = "template '" + name + "'";
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + " is declared twice");
            }
            try {
                templates.add(new SessionTemplate(name, strings(t, "command", where), strings(t, "labels", where), bool(t, "exec", where),
                        millis(t, "idle_after_ms", where), millis(t, "max_duration_ms", where), millis(t, "max_output_bytes", where),
                        strings(t, "env_secrets", where)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().startsWith("template") ? e.getMessage() : where + ": " + e.getMessage());
            }
        }
        return templates;
    }

    private static List<String> strings(JsonNode t, String field, String where) {
        JsonNode v = t.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + ": " + field + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isString() && !e.isNumber()) {
                throw new IllegalArgumentException(where + ": " + field + " must be a list of strings");
            }
            out.add(e.asString());
        }
        return out;
    }

    private static boolean bool(JsonNode t, String field, String where) {
        JsonNode v = t.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(where + ": " + field + " must be true or false");
        }
        return v.booleanValue();
    }

    private static long millis(JsonNode t, String field, String where) {
        JsonNode v = t.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.longValue() < 0) {
            throw new IllegalArgumentException(where + ": " + field + " must be a whole number >= 0");
        }
        return v.longValue();
    }
}
