package dev.griddle.server.console;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Run form generated from a runner's {@code input_schema}: one field per top-level property
 * (text, number, a checkbox for a boolean, a choice for an {@code enum}, JSON for anything else),
 * and the posted values typed back into the run's input. The server checks the input against the
 * schema as the API does; this only shapes the form.
 */
public final class ConsoleForms {

    /** A form field: the property's name, its JSON type, whether required, its description and its choices. */
    public record Field(String name, String type, boolean required, String description, List<String> choices) {
    }

    /** A form shows at most this many fields; an input schema with more gets the first ones. */
    static final int MAX_FIELDS = 100;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConsoleForms() {
    }

    static List<Field> fields(JsonNode schema) {
        List<Field> fields = new ArrayList<>();
        if (schema == null || !schema.path("properties").isObject()) {
            return fields;
        }
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(n -> required.add(n.asString()));
        for (var entry : schema.path("properties").properties()) {
            if (fields.size() == MAX_FIELDS) {
                break;
            }
            JsonNode p = entry.getValue();
            List<String> choices = new ArrayList<>();
            p.path("enum").forEach(n -> choices.add(n.asString()));
            String type = p.path("type").isString() ? p.path("type").asString() : "json";
            fields.add(new Field(entry.getKey(), type, required.contains(entry.getKey()), p.path("description").asString(""), choices));
        }
        return fields;
    }

    /** Types {@code value} by the field and sets it on {@code input}; a value that does not parse adds a problem. An empty optional field is left out. */
    static void put(ObjectNode input, Field field, String value, List<String> problems) {
        String v = value == null ? "" : value.strip();
        if (field.type().equals("boolean")) {
            input.put(field.name(), v.equals("on") || v.equals("true"));
            return;
        }
        if (v.isEmpty()) {
            if (field.required()) {
                problems.add(field.name() + ": required");
            }
            return;
        }
        try {
            switch (field.type()) {
                case "string" -> input.put(field.name(), value);
                case "integer" -> input.put(field.name(), Long.parseLong(v));
                case "number" -> input.put(field.name(), new BigDecimal(v));
                default -> input.set(field.name(), JSON.readTree(v));
            }
        } catch (NumberFormatException e) {
            problems.add(field.name() + ": must be " + (field.type().equals("integer") ? "a whole number" : "a number") + ", was '" + v + "'");
        } catch (JacksonException e) {
            problems.add(field.name() + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }
}
