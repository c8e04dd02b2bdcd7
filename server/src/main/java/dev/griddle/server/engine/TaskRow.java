package dev.griddle.server.engine;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A unit of live work in the queue: one attempt of one step (or one for_each item). {@code kind}
 * is the step type; {@code taskType} what a remote worker must handle. {@code projectId},
 * {@code runnerId} and {@code runnerVersion} are the run's, copied from the run when the task is
 * queued (null on a row not read back from the queue; {@code projectId} also for runs in no project).
 */
public record TaskRow(UUID id, UUID orgId, UUID runId, String stepId, int itemIndex, int attempt, String kind, String taskType,
        List<String> runsOn, JsonNode input, Long timeoutMs, Instant readyAt, String leaseOwner, Long leaseToken,
        Instant leaseExpiresAt, UUID projectId, UUID runnerId, Integer runnerVersion) {

    /** A task to enqueue: the queue takes the project and the runner version from the run. */
    public TaskRow(UUID id, UUID orgId, UUID runId, String stepId, int itemIndex, int attempt, String kind, String taskType,
            List<String> runsOn, JsonNode input, Long timeoutMs, Instant readyAt, String leaseOwner, Long leaseToken,
            Instant leaseExpiresAt) {
        this(id, orgId, runId, stepId, itemIndex, attempt, kind, taskType, runsOn, input, timeoutMs, readyAt, leaseOwner, leaseToken,
                leaseExpiresAt, null, null, null);
    }

    /** The same work queued again as {@code nextAttempt}, ready at {@code readyAt}, unleased. */
    TaskRow again(int nextAttempt, Instant ready) {
        return new TaskRow(UUID.randomUUID(), orgId, runId, stepId, itemIndex, nextAttempt, kind, taskType, runsOn, input, timeoutMs, ready, null, null,
                null);
    }

    /** An engine-internal task ({@link InternalKinds}) for a run's step, ready at {@code readyAt}. */
    static TaskRow internal(UUID orgId, UUID runId, String stepId, int attempt, String kind, JsonNode input, Instant ready) {
        return new TaskRow(UUID.randomUUID(), orgId, runId, stepId, -1, attempt, kind, kind, List.of(), input, null, ready, null, null, null);
    }

    /** The same task for item {@code index} of a for_each step (-1: the step itself). */
    TaskRow at(int index) {
        return new TaskRow(id, orgId, runId, stepId, index, attempt, kind, taskType, runsOn, input, timeoutMs, readyAt, leaseOwner, leaseToken,
                leaseExpiresAt, projectId, runnerId, runnerVersion);
    }

    /** The same task with other input: what a remote worker is handed, secrets revealed (never stored). */
    public TaskRow withInput(JsonNode other) {
        return new TaskRow(id, orgId, runId, stepId, itemIndex, attempt, kind, taskType, runsOn, other, timeoutMs, readyAt, leaseOwner, leaseToken,
                leaseExpiresAt, projectId, runnerId, runnerVersion);
    }
}
