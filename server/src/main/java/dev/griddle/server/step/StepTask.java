package dev.griddle.server.step;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One attempt of one step (or one item of a {@code for_each} step), with its arguments already
 * rendered. {@code idempotencyKey} is stable across re-deliveries of the same attempt.
 */
public record StepTask(UUID taskId, UUID orgId, UUID runId, String stepId, int itemIndex, int attempt, String type,
        JsonNode arguments, Long timeoutMs) {

    public String idempotencyKey() {
        return runId + "/" + stepId + (itemIndex >= 0 ? "/" + itemIndex : "") + "/" + attempt;
    }
}
