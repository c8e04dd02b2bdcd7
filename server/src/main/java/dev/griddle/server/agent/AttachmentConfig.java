package dev.griddle.server.agent;

import dev.griddle.server.web.FieldErrors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The config an attachment keeps beside its id ({@code allowed_tools} of an MCP server, {@code allowed_tables} of an integration). */
final class AttachmentConfig {

    private AttachmentConfig() {
    }

    /**
     * The config {@code body} gives: its {@code extraField} when present, which must be a list of
     * names; nothing for kinds without one. Problems are added under {@code at}, the body's path
     * ({@code ""} for a request body).
     */
    static ObjectNode of(String extraField, JsonNode body, String at, FieldErrors errors) {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        if (extraField == null || body == null || !body.hasNonNull(extraField)) {
            return config;
        }
        JsonNode names = body.get(extraField);
        boolean allNames = names.isArray();
        for (JsonNode n : names) {
            allNames &= n.isString() && !n.asString().isBlank();
        }
        if (!allNames) {
            errors.add(at.isEmpty() ? extraField : at + "." + extraField, "must be a list of names");
        } else {
            config.set(extraField, names);
        }
        return config;
    }
}
