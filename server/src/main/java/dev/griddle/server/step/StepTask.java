package dev.griddle.server.step;

import dev.griddle.server.secret.SecretUse;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One attempt of one step (or one item of a {@code for_each} step), with its arguments already
 * rendered. {@code idempotencyKey} is stable across re-deliveries of the same attempt.
 * {@code projectId} is the run's project (null = none): which secrets the step may use.
 * {@code runnerId} and {@code runnerVersion} are the runner version the run is pinned to. These
 * are the run's facts an executor needs: executors never read {@code runs}.
 */
public record StepTask(UUID taskId, UUID orgId, UUID runId, String stepId, int itemIndex, int attempt, String type,
        JsonNode arguments, Long timeoutMs, UUID projectId, UUID runnerId, int runnerVersion) {

    /** Where this step's secret placeholders were made for: only those are revealed in its requests. */
    public SecretUse secretUse() {
        return SecretUse.step(orgId, projectId, runId, stepId);
    }

    public String idempotencyKey() {
        return runId + "/" + stepId + (itemIndex >= 0 ? "/" + itemIndex : "") + "/" + attempt;
    }
}
