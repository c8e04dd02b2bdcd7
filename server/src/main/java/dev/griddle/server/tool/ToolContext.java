package dev.griddle.server.tool;

import java.util.UUID;

/**
 * Where a tool is called from: the organization, the run and step (null outside runs), and the
 * project of the run or thread (null = none), which decides the secrets a tool may use.
 */
public record ToolContext(UUID orgId, UUID runId, String stepId, String idempotencyKey, UUID projectId) {

    /** Outside any project. */
    public ToolContext(UUID orgId, UUID runId, String stepId, String idempotencyKey) {
        this(orgId, runId, stepId, idempotencyKey, null);
    }
}
