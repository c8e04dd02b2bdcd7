package dev.griddle.server.engine;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** A step's execution state within a run; mutated inside a {@link RunTx} and written back by it. */
public final class StepRow {

    final String stepId;
    StepStatus status;
    int attempt;
    JsonNode output;
    JsonNode error;
    String skipReason;
    Integer items;
    Instant startedAt;
    Instant finishedAt;
    boolean dirty;

    StepRow(String stepId, StepStatus status, int attempt, JsonNode output, JsonNode error, String skipReason, Integer items,
            Instant startedAt, Instant finishedAt) {
        this.stepId = stepId;
        this.status = status;
        this.attempt = attempt;
        this.output = output;
        this.error = error;
        this.skipReason = skipReason;
        this.items = items;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
    }

    Decider.StepState state() {
        return new Decider.StepState(status, skipReason);
    }

    /** The API's view of a step execution. */
    public record View(String stepId, String status, int attempt, JsonNode output, JsonNode error, String skipReason,
            Integer items, Instant startedAt, Instant finishedAt) {
    }

    View view() {
        return new View(stepId, status.wire(), attempt, output, error, skipReason, items, startedAt, finishedAt);
    }
}
