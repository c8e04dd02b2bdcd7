package dev.griddle.server.tool;

import java.util.UUID;

/** Where a tool is called from: the organization, and the run and step (null outside runs). */
public record ToolContext(UUID orgId, UUID runId, String stepId, String idempotencyKey) {
}
