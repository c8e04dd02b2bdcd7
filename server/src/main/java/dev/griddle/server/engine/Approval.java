package dev.griddle.server.engine;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A human task: a run waits on it until someone completes it or it expires. */
public record Approval(UUID id, UUID runId, UUID runnerId, String stepId, String status, String message, Boolean approved,
        String comment, JsonNode result, Instant createdAt, Instant completedAt, Instant expiresAt) {
}
