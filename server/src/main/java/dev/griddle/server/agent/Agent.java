package dev.griddle.server.agent;

import java.time.Instant;
import java.util.UUID;

/** An agent as stored; {@code credentials} is the sealed JSON of its own provider keys (never shown). */
record Agent(UUID id, UUID orgId, UUID projectId, String name, String description, String model, String instructions, Double temperature,
        String credentials, Instant createdAt, Instant updatedAt) {
}
