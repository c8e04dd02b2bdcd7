package dev.griddle.sdk;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Remote worker hosts as people see them (the protocol itself is {@link dev.griddle.sdk.worker.Worker}). */
public final class WorkerModels {

    private WorkerModels() {
    }

    /**
     * {@code status}: online, offline (no heartbeat within the timeout) or draining;
     * {@code runningTasks} counts the leases it holds now; {@code podCount} the sessions it runs, of at most {@code maxPods}.
     */
    public record WorkerInfo(UUID id, String name, String status, String version, String os, String arch, List<String> labels,
            List<String> taskTypes, int runningTasks, int maxConcurrency, int podCount, int maxPods, Instant lastHeartbeatAt, Instant createdAt) {
    }

    /** One task a worker held; {@code status}: running, completed, failed, lost or dropped. */
    public record WorkerTask(UUID id, UUID runId, String stepId, Integer itemIndex, String taskType, int attempt, String status, JsonNode error,
            Instant claimedAt, Instant finishedAt) {
    }
}
