package dev.griddle.server.engine;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A run as stored. */
public record RunRow(UUID id, UUID orgId, UUID runnerId, int runnerVersion, UUID projectId, RunStatus status, JsonNode input,
        JsonNode output, JsonNode error, JsonNode stepOverrides, String triggerType, UUID triggerId, UUID parentRunId,
        String parentStepId, String cancelMode, BigDecimal costUsd, long inputTokens, long outputTokens, long eventSeq,
        Instant createdAt, Instant startedAt, Instant finishedAt) {
}
