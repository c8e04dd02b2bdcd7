package dev.griddle.server.trigger;

import tools.jackson.databind.JsonNode;

/**
 * Create and update body of a trigger (and a trigger inside an apply bundle). On update a field
 * left out keeps its value; {@code cron} fields merge field by field; {@code type} and
 * {@code signature_scheme} cannot change. {@code signing_secret} (write-only) is the secret a
 * sender generated, taken at create only (rotate-secret takes a new one).
 */
public record TriggerRequest(String type, Boolean enabled, JsonNode input, Cron cron, String signatureScheme, String signingSecret) {

    public record Cron(String schedule, String timezone, String overlap) {
    }
}
