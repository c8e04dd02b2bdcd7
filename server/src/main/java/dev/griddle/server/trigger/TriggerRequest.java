package dev.griddle.server.trigger;

import tools.jackson.databind.JsonNode;

/**
 * Create and update body of a trigger (and a trigger inside an apply bundle). On update a field
 * left out keeps its value; {@code cron} fields merge field by field; {@code type} cannot change.
 */
record TriggerRequest(String type, Boolean enabled, JsonNode input, Cron cron) {

    record Cron(String schedule, String timezone, String overlap) {
    }
}
