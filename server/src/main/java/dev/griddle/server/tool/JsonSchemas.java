package dev.griddle.server.tool;

import com.google.re2j.PatternSyntaxException;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import dev.griddle.server.schema.LinearPatterns;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * JSON Schema 2020-12 for tool parameters and {@code output_schema}: checking a schema is usable
 * (against the bundled meta-schema), and listing a value's violations as
 * {@code "<path>: <message>"} lines a model can act on. Patterns run on RE2/J ({@link LinearPatterns}).
 */
@Component
public class JsonSchemas {

    private final SchemaRegistry registry = LinearPatterns.registry();
    private final Schema metaSchema = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    /** Problems with {@code schema} itself; empty when it is a usable JSON Schema object. */
    public List<String> checkSchema(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return List.of("must be a JSON Schema object");
        }
        List<String> problems = new ArrayList<>(describe(metaSchema.validate(schema)));
        if (problems.isEmpty()) {
            LinearPatterns.problems(schema).forEach(p -> problems.add(p.path() + ": " + p.message()));
        }
        if (problems.isEmpty()) {
            try {
                registry.getSchema(schema).initializeValidators();
            } catch (SchemaException | IllegalArgumentException e) {
                problems.add("cannot be compiled: " + e.getMessage());
            }
        }
        return problems;
    }

    /** Violations of {@code schema} by {@code value}; empty when it conforms. */
    public List<String> validate(JsonNode schema, JsonNode value) {
        try {
            return describe(registry.getSchema(schema).validate(value));
        } catch (PatternSyntaxException e) {
            // a schema saved before patterns ran on RE2/J
            return List.of("the schema has a pattern RE2/J cannot run: " + e.getMessage());
        }
    }

    private static List<String> describe(List<Error> errors) {
        return errors.stream().map(e -> {
            String at = e.getInstanceLocation().toString();
            return (at.isEmpty() || at.equals("$") ? "" : at + ": ") + e.getMessage();
        }).toList();
    }
}
