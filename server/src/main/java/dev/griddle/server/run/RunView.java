package dev.griddle.server.run;

import dev.griddle.server.engine.RunRow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A run as the API shows it ({@code replay_of}: the run a replay replays, null for other runs). */
public record RunView(UUID id, UUID runnerId, int version, String status, JsonNode input, JsonNode output, JsonNode error, TriggerView trigger,
        UUID parentRunId, UUID replayOf, BigDecimal costUsd, long inputTokens, long outputTokens, Instant createdAt, Instant startedAt, Instant finishedAt) {

    public record TriggerView(String type, UUID id) {
    }

    public static RunView of(RunRow r) {
        return new RunView(r.id(), r.runnerId(), r.runnerVersion(), r.status().wire(), r.input(), r.output(), r.error(),
                new TriggerView(r.triggerType(), r.triggerId()), r.parentRunId(), "replay".equals(r.triggerType()) ? r.triggerId() : null, r.costUsd(), r.inputTokens(), r.outputTokens(),
                r.createdAt(), r.startedAt(), r.finishedAt());
    }
}
