package dev.griddle.server.runner;

import com.google.re2j.PatternSyntaxException;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import dev.griddle.server.schema.LinearPatterns;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * JSON Schema 2020-12 for runner inputs: checking that an {@code input_schema} is itself a valid
 * schema (against the bundled meta-schema, no network), and validating run input against it.
 * Compiled schemas are cached by a caller-chosen key (runner id and version), which is immutable.
 * Patterns run on RE2/J ({@link LinearPatterns}): one it cannot run is a problem of the schema.
 */
@Component
class InputSchemas {

    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final int CACHE_SIZE = 1024;

    /** One violation: where in the document ({@code urls[0]}; empty for the root) and what is wrong. */
    record Problem(String path, String message) {
    }

    private final SchemaRegistry registry = LinearPatterns.registry();
    private final Schema metaSchema = registry.getSchema(SchemaLocation.of(META_SCHEMA));
    private final Map<String, Schema> compiled = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    /** Problems with {@code schema} as a JSON Schema 2020-12 document; empty when it is usable. */
    List<Problem> checkSchema(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            return List.of(new Problem("", "must be a JSON Schema object (or a boolean), was " + schema.getNodeType().name().toLowerCase()));
        }
        List<Problem> problems = new ArrayList<>(describe(metaSchema.validate(schema)));
        if (problems.isEmpty()) {
            LinearPatterns.problems(schema).forEach(p -> problems.add(new Problem(p.path(), p.message())));
        }
        if (problems.isEmpty()) {
            try {
                registry.getSchema(schema).initializeValidators();
            } catch (SchemaException | IllegalArgumentException e) {
                problems.add(new Problem("", "cannot be compiled: " + e.getMessage()));
            }
        }
        return problems;
    }

    /** Violations of {@code schema} by {@code input}; {@code cacheKey} names an immutable schema. */
    List<Problem> validate(String cacheKey, JsonNode schema, JsonNode input) {
        Schema s = compiled.computeIfAbsent(cacheKey, k -> registry.getSchema(schema));
        try {
            return describe(s.validate(input));
        } catch (PatternSyntaxException e) {
            // a version saved before patterns ran on RE2/J
            return List.of(new Problem("", "cannot be checked: the input_schema has a pattern RE2/J cannot run: " + e.getMessage()));
        }
    }

    private static List<Problem> describe(List<Error> errors) {
        return errors.stream().map(e -> new Problem(dotted(e.getInstanceLocation().toString()), e.getMessage())).toList();
    }

    /** A JSON Pointer ({@code /urls/0}) in the API's path style ({@code urls[0]}). */
    static String dotted(String pointer) {
        StringBuilder out = new StringBuilder();
        for (String raw : pointer.split("/")) {
            if (raw.isEmpty() || raw.equals("$")) {
                continue;
            }
            String segment = raw.replace("~1", "/").replace("~0", "~");
            if (segment.chars().allMatch(Character::isDigit)) {
                out.append('[').append(segment).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(segment);
            }
        }
        return out.toString();
    }
}
