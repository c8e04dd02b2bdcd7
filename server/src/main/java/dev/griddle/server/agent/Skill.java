package dev.griddle.server.agent;

import java.time.Instant;
import java.util.UUID;

/** A named set of instructions an agent or runner can load when it needs them. */
public record Skill(UUID id, UUID orgId, String name, String description, String instructions, Instant createdAt, Instant updatedAt) {
}
