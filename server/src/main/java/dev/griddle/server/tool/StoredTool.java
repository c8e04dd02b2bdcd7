package dev.griddle.server.tool;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A custom HTTP tool as stored and shown: {@code http} is {@code {method, url, headers, body}}, templated with {@code args}. */
record StoredTool(UUID id, UUID orgId, String name, String description, JsonNode parameters, JsonNode http, Instant createdAt,
        Instant updatedAt) {
}
