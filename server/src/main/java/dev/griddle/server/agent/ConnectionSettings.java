package dev.griddle.server.agent;

import dev.griddle.server.web.FieldErrors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The {@code web} and {@code plan} settings of a runner or an agent: their defaults, and how a request sets them (API and {@code apply}). */
final class ConnectionSettings {

    private ConnectionSettings() {
    }

    /** What a setting is when it was never set. */
    static ObjectNode defaults(String setting) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("enabled", false);
        return "web".equals(setting)
                ? out.put("search_enabled", true).put("research_enabled", true).put("read_enabled", true).put("crawl_enabled", true)
                : out.put("remind_on_turn_end", true);
    }

    /**
     * The setting {@code body} makes: the defaults with the body's fields over them (a field left
     * out is its default, not its stored value). Problems are added under {@code at}, the body's
     * path ({@code ""} for a request body).
     */
    static ObjectNode from(String setting, JsonNode body, String at, FieldErrors errors) {
        ObjectNode value = defaults(setting);
        if (body == null || !body.isObject()) {
            errors.add(at.isEmpty() ? setting : at, "must be an object");
            return value;
        }
        body.properties().forEach(e -> {
            String field = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
            if (!value.has(e.getKey())) {
                errors.add(field, "unknown field; allowed: " + value.propertyNames());
            } else if (!e.getValue().isBoolean()) {
                errors.add(field, "must be true or false");
            } else {
                value.set(e.getKey(), e.getValue());
            }
        });
        return value;
    }
}
