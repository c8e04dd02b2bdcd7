package dev.griddle.sdk;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Runs, their steps and events, and approvals. */
public final class RunModels {

    private RunModels() {
    }

    /** {@code status}: queued, running, waiting, paused, budget_paused, succeeded, failed, cancelled. */
    public record Run(UUID id, UUID runnerId, int version, String status, JsonNode input, JsonNode output, JsonNode error, Trigger trigger,
            UUID parentRunId, BigDecimal costUsd, long inputTokens, long outputTokens, Instant createdAt, Instant startedAt,
            Instant finishedAt) {

        public boolean finished() {
            return "succeeded".equals(status) || "failed".equals(status) || "cancelled".equals(status);
        }
    }

    public record Trigger(String type, UUID id) {
    }

    /** {@code stepOverrides}: {@code {step_id: {with: {...}}}}; {@code version} null = latest (publishing the draft if it changed). */
    public record StartRun(JsonNode input, Integer version, JsonNode stepOverrides) {
        public static StartRun of(JsonNode input) {
            return new StartRun(input, null, null);
        }
    }

    public record StepRun(String stepId, String status, int attempt, JsonNode output, JsonNode error, String skipReason, Integer items,
            Instant startedAt, Instant finishedAt) {
    }

    public record Steps(List<StepRun> data) {
    }

    public record Event(long id, UUID runId, long seq, String type, String stepId, JsonNode data, Instant createdAt) {
    }

    public record EventPage(List<Event> data, Cursor meta) {
        public record Cursor(String nextCursor) {
        }
    }

    public record Approval(UUID id, UUID runId, UUID runnerId, String stepId, String status, String message, Boolean approved,
            String comment, JsonNode result, Instant createdAt, Instant completedAt, Instant expiresAt) {
    }

    public record CompleteApproval(boolean approved, String comment, JsonNode result) {
    }
}
