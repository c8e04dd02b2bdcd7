package dev.griddle.server.engine;

import dev.griddle.server.runner.PinnedRunner;
import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.step.StepOutcome;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One transaction's view of one locked run: its row, its steps and the events it appends. The
 * run's state changes only through the transitions below (its steps' through {@link StepRow}'s),
 * each appending its event; {@link RunTransactions} writes it all back once, before commit.
 */
final class RunTx {

    final RunRow row;
    final PinnedRunner runner;
    final Map<String, StepSpec> specs = new LinkedHashMap<>();
    final Map<String, StepRow> steps;
    final Instant now;
    private List<EventLog.Event> events = new ArrayList<>();

    private RunStatus status;
    private JsonNode output;
    private JsonNode error;
    private String cancelMode;
    private long eventSeq;
    private Instant startedAt;
    private Instant finishedAt;
    private boolean tasksQueued;
    /** Created by this transaction and its step rows not stored yet (see {@link RunTransactions#openNew}). */
    private boolean stepsUnstored;
    /** Created by this transaction, and nothing outside its own rows (task, approval, child run) made for it yet. */
    private boolean selfContained;
    private BigDecimal costUsd;
    private long inputTokens;
    private long outputTokens;
    /** Whether {@link #spend} changed the totals, so the row must be written even without events. */
    private boolean spent;

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
        this.costUsd = row.costUsd() == null ? BigDecimal.ZERO : row.costUsd();
        this.inputTokens = row.inputTokens();
        this.outputTokens = row.outputTokens();
        for (StepSpec spec : runner.spec().steps()) {
            specs.put(spec.id(), spec);
        }
    }

    UUID id() {
        return row.id();
    }

    List<StepSpec> graph() {
        return runner.spec().steps();
    }

    /** Whether any step of the pinned graph is of this type. */
    boolean graphHas(Class<? extends StepSpec> type) {
        for (StepSpec spec : graph()) {
            if (type.isInstance(spec)) {
                return true;
            }
        }
        return false;
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

    /** A {@code log} event with this message (of the run when {@code stepId} is null). */
    void log(String stepId, String message) {
        event("log", stepId, JsonNodeFactory.instance.objectNode().put("message", message));
    }

    /** Moves the run to {@code to}, with a {@code state_changed} event when it is a change. */
    void moveTo(RunStatus to) {
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

    /** The run ends as {@code to}; {@code runError} is kept unless it succeeded. */
    void finish(RunStatus to, JsonNode runOutput, JsonNode runError) {
        moveTo(to);
        output = runOutput;
        error = to == RunStatus.SUCCEEDED ? null : runError;
        if (startedAt == null) {
            startedAt = now;
        }
        finishedAt = now;
    }

    /** @throws RunStateConflict when the run is finished or paused already */
    void pause() {
        if (status.terminal() || status.paused()) {
            throw RunStateConflict.command(id(), status, "pause");
        }
        moveTo(RunStatus.PAUSED);
    }

    /** Issue #5: the budget is spent; a run paused by hand stays paused. */
    void budgetPause() {
        if (!status.paused()) {
            moveTo(RunStatus.BUDGET_PAUSED);
        }
    }

    /** @throws RunStateConflict when the run is not paused */
    void resume() {
        if (!status.paused()) {
            throw RunStateConflict.command(id(), status, "resume");
        }
        moveTo(RunStatus.RUNNING);
    }

    /** Graceful cancel: start nothing new, let running steps finish. @throws RunStateConflict when the run is finished */
    void stopGracefully() {
        checkCancellable();
        cancelMode = CancelMode.GRACEFUL.wire();
        log(null, "graceful cancel requested");
    }

    /** @throws RunStateConflict when the run is finished */
    void checkCancellable() {
        if (status.terminal()) {
            throw RunStateConflict.command(id(), status, "cancel");
        }
    }

    /** A run retry clears the end of a failed or cancelled run. @throws RunStateConflict for a run in any other state */
    void reopen() {
        if (status != RunStatus.FAILED && status != RunStatus.CANCELLED) {
            throw RunStateConflict.command(id(), status, "retry");
        }
        output = null;
        error = null;
        cancelMode = null;
        finishedAt = null;
    }

    /** Adds what a step spent to the run's totals (issue #5). */
    void spend(StepOutcome.Usage usage) {
        if (usage.tokens() == 0 && usage.costUsd().signum() == 0) {
            return;
        }
        costUsd = costUsd.add(usage.costUsd());
        inputTokens += usage.inputTokens();
        outputTokens += usage.outputTokens();
        spent = true;
    }

    /** This transaction queued (or handed back) tasks: claimers are woken after commit. */
    void tasksQueued() {
        tasksQueued = true;
        selfContained = false;
    }

    /** This transaction made an approval or a child run for the run. */
    void madeOutside() {
        selfContained = false;
    }

    /** The run is new in this transaction: its steps exist only in memory until the write-back. */
    void created() {
        stepsUnstored = true;
        selfContained = true;
    }

    /**
     * A run that ended in the transaction that created it, having made nothing outside its own rows,
     * has no tasks, approvals or children to withdraw.
     */
    boolean selfContained() {
        return selfContained;
    }

    /** Whether the step rows still have to be inserted; taking it clears it. */
    boolean takeStepsUnstored() {
        boolean was = stepsUnstored;
        stepsUnstored = false;
        return was;
    }

    boolean stopping() {
        return CancelMode.GRACEFUL.wire().equals(cancelMode);
    }

    /** The events appended since the last write-back, in order; taking them clears them. */
    List<EventLog.Event> takeEvents() {
        List<EventLog.Event> taken = events;
        events = new ArrayList<>();
        return taken;
    }

    /** Whether usage totals changed since the last write-back; taking it clears it. */
    boolean takeSpent() {
        boolean was = spent;
        spent = false;
        return was;
    }

    /** Whether tasks were queued since the last write-back; taking it clears it. */
    boolean takeTasksQueued() {
        boolean was = tasksQueued;
        tasksQueued = false;
        return was;
    }

    RunStatus status() {
        return status;
    }

    JsonNode output() {
        return output;
    }

    JsonNode error() {
        return error;
    }

    String cancelMode() {
        return cancelMode;
    }

    long eventSeq() {
        return eventSeq;
    }

    Instant startedAt() {
        return startedAt;
    }

    Instant finishedAt() {
        return finishedAt;
    }

    BigDecimal costUsd() {
        return costUsd;
    }

    long inputTokens() {
        return inputTokens;
    }

    long outputTokens() {
        return outputTokens;
    }
}
