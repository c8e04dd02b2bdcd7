package dev.griddle.server.engine;

import dev.griddle.server.runner.PinnedRunner;
import dev.griddle.server.runner.StepSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One transaction's view of one locked run: its row, its steps and the events it appends. Changes
 * are made here in memory and written back once, by {@link RunTransactions}, before commit.
 */
final class RunTx {

    final RunRow row;
    final PinnedRunner runner;
    final Map<String, StepSpec> specs = new LinkedHashMap<>();
    final Map<String, StepRow> steps;
    final Instant now;
    final List<EventLog.Event> events = new ArrayList<>();

    RunStatus status;
    JsonNode output;
    JsonNode error;
    String cancelMode;
    long eventSeq;
    Instant startedAt;
    Instant finishedAt;
    boolean tasksEnqueued;
    /** Issue #5: the run's model usage totals, written back with the row. */
    java.math.BigDecimal costUsd;
    long inputTokens;
    long outputTokens;
    /** Whether {@link #spend} changed the totals, so the row must be written even without events. */
    boolean spent;

    RunTx(RunRow row, PinnedRunner runner, Map<String, StepRow> steps, Instant now) {
        this.row = row;
        this.runner = runner;
        this.steps = steps;
        this.now = now;
        this.status = row.status();
        this.output = row.output();
        this.error = row.error();
        this.cancelMode = row.cancelMode();
        this.eventSeq = row.eventSeq();
        this.startedAt = row.startedAt();
        this.finishedAt = row.finishedAt();
        this.costUsd = row.costUsd() == null ? java.math.BigDecimal.ZERO : row.costUsd();
        this.inputTokens = row.inputTokens();
        this.outputTokens = row.outputTokens();
        for (StepSpec spec : runner.spec().steps()) {
            specs.put(spec.id(), spec);
        }
    }

    java.util.UUID id() {
        return row.id();
    }

    List<StepSpec> graph() {
        return runner.spec().steps();
    }

    StepRow step(String id) {
        return steps.get(id);
    }

    Map<String, Decider.StepState> states() {
        Map<String, Decider.StepState> states = new LinkedHashMap<>();
        steps.forEach((id, r) -> states.put(id, r.state()));
        return states;
    }

    void event(String type, String stepId, JsonNode data) {
        eventSeq++;
        events.add(new EventLog.Event(eventSeq, row.id(), eventSeq, type, stepId,
                data == null ? JsonNodeFactory.instance.objectNode() : data, now));
    }

    /** Moves the run to {@code to}, with a {@code state_changed} event when it is a change. */
    void status(RunStatus to) {
        RunStatus from = status;
        if (from == to) {
            return;
        }
        status = to;
        if (startedAt == null && to == RunStatus.RUNNING) {
            startedAt = now;
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("from", from.wire()).put("to", to.wire());
        event("state_changed", null, data);
    }

    void finish(RunStatus to, JsonNode runOutput, JsonNode runError) {
        status(to);
        output = runOutput;
        error = runError;
        if (startedAt == null) {
            startedAt = now;
        }
        finishedAt = now;
    }

    /** Adds what a step spent to the run's totals (issue #5). */
    void spend(dev.griddle.server.step.StepOutcome.Usage usage) {
        if (usage.tokens() == 0 && usage.costUsd().signum() == 0) {
            return;
        }
        costUsd = costUsd.add(usage.costUsd());
        inputTokens += usage.inputTokens();
        outputTokens += usage.outputTokens();
        spent = true;
    }

    boolean stopping() {
        return CancelMode.GRACEFUL.wire().equals(cancelMode);
    }

    /** Clears the end of a run that is being retried. */
    void reopen() {
        output = null;
        error = null;
        cancelMode = null;
        finishedAt = null;
    }
}
