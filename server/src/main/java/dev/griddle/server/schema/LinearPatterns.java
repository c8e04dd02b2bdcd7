package dev.griddle.server.schema;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * JSON Schema {@code pattern} and {@code patternProperties} on RE2/J, which matches in time linear
 * in the input: the JDK's engine and Joni backtrack, so {@code ^(.*a){12}$} against 34 characters
 * took seconds. RE2/J has no lookaround and no backreferences; {@link #problems} names every
 * pattern it cannot run, so a schema using one is refused when it is saved.
 */
public final class LinearPatterns {

    /** The keywords whose values are data, not schemas: a {@code pattern} key inside them is not a pattern. */
    private static final Set<String> DATA = Set.of("const", "enum", "default", "examples");
    /** The keywords whose values map names to schemas: a name there ({@code "default"}) is not a keyword. */
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");

    private static final RegularExpressionFactory RE2 = regex -> {
        Pattern compiled = Pattern.compile(regex);
        return value -> compiled.matcher(value).find();
    };

    /** A pattern RE2/J cannot run: where in the schema ({@code properties.name.pattern}) and why. */
    public record Problem(String path, String message) {
    }

    private LinearPatterns() {
    }

    /** A JSON Schema 2020-12 registry whose patterns run on RE2/J. */
    public static SchemaRegistry registry() {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().regularExpressionFactory(RE2).build()));
    }

    /** Every {@code pattern} and {@code patternProperties} key of {@code schema} that RE2/J cannot compile. */
    public static List<Problem> problems(JsonNode schema) {
        List<Problem> out = new ArrayList<>();
        walk(schema, "", out);
        return out;
    }

    private static void walk(JsonNode node, String path, List<Problem> out) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode value = e.getValue();
            if (e.getKey().equals("pattern") && value.isString()) {
                check(value.asString(), at, out);
            } else if (e.getKey().equals("patternProperties") && value.isObject()) {
                value.propertyNames().forEach(regex -> check(regex, at, out));
            }
            if (!value.isContainer() || DATA.contains(e.getKey())) {
                continue;
            }
            if (SCHEMA_MAPS.contains(e.getKey()) && value.isObject()) {
                value.properties().forEach(named -> walk(named.getValue(), at + "." + named.getKey(), out));
            } else {
                walk(value, at, out);
            }
        }
    }

    private static void check(String regex, String path, List<Problem> out) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            out.add(new Problem(path, "'" + regex + "' cannot run here (patterns run on RE2/J: no lookaround, no backreferences): "
                    + e.getDescription()));
        }
    }
}
