package dev.griddle.server.engine;

import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A step's execution state within a run. It changes only through the transitions below, each of
 * which appends its event to the run and marks the row changed, so {@link RunTransactions} writes
 * it back once, before commit. The items of a {@code for_each} step live in {@code step_items}.
 */
public final class StepRow {

    private static final int EVENT_OUTPUT_LIMIT = 16 * 1024;

    final String stepId;
    private StepStatus status;
    private int attempt;
    private JsonNode output;
    private JsonNode error;
    private String skipReason;
    private Integer items;
    private Instant startedAt;
    private Instant finishedAt;
    private boolean changed;

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

    /** A new attempt runs here, inline (a transform, an approval requested, a child run started). */
    void start(RunTx run) {
        attempt++;
        running(run, attempt);
    }

    /** A new attempt that now waits outside the engine (an approval, a child run). */
    void startWaiting(RunTx run) {
        start(run);
        status = StepStatus.WAITING;
    }

    /** A for_each step starts its {@code count} items, as attempt 1 (again, when a run retry starts it anew). */
    void startItems(RunTx run, int count) {
        attempt = 1;
        items = count;
        running(run, 1);
    }

    /** An executor starts {@code taskAttempt}; a step already running (a for_each step) stays as it is. */
    void running(RunTx run, int taskAttempt) {
        if (status == StepStatus.RUNNING) {
            return;
        }
        status = StepStatus.RUNNING;
        if (startedAt == null) {
            startedAt = run.now;
        }
        changed = true;
        run.event("step_started", stepId, JsonNodeFactory.instance.objectNode().put("attempt", taskAttempt));
    }

    /** A pending step's next attempt is queued as a task; returns that attempt. */
    int queue() {
        attempt++;
        status = StepStatus.QUEUED;
        changed = true;
        return attempt;
    }

    /**
     * {@code failedAttempt} is tried again after {@code delayMs}: the step (unless only one of its
     * items is retried) is queued for the next attempt, and {@code step_retrying} says why.
     */
    void retry(RunTx run, int failedAttempt, long delayMs, int itemIndex, JsonNode why) {
        int next = failedAttempt + 1;
        if (itemIndex < 0) {
            attempt = next;
            status = StepStatus.QUEUED;
            changed = true;
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("attempt", failedAttempt).put("next_attempt", next).put("delay_ms", delayMs);
        if (itemIndex >= 0) {
            data.put("item_index", itemIndex);
        }
        data.set("error", why);
        run.event("step_retrying", stepId, data);
    }

    /** The budget is spent: the same attempt waits, held in the queue, until the run is resumed. */
    void hold() {
        status = StepStatus.QUEUED;
        changed = true;
    }

    void succeed(RunTx run, JsonNode value, int outputBytes) {
        status = StepStatus.SUCCEEDED;
        output = value;
        error = null;
        finishedAt = run.now;
        if (startedAt == null) {
            startedAt = run.now;
        }
        changed = true;
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("attempt", attempt);
        if (outputBytes <= EVENT_OUTPUT_LIMIT) {
            data.set("output", value);
        } else {
            data.put("output_truncated", true).put("output_bytes", outputBytes);
        }
        run.event("step_completed", stepId, data);
    }

    void skip(RunTx run, String reason) {
        status = StepStatus.SKIPPED;
        skipReason = reason;
        finishedAt = run.now;
        changed = true;
        run.event("step_completed", stepId, JsonNodeFactory.instance.objectNode().put("skipped", true).put("reason", reason));
    }

    void fail(RunTx run, JsonNode why) {
        status = StepStatus.FAILED;
        error = why;
        finishedAt = run.now;
        changed = true;
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("attempt", attempt);
        data.set("error", why);
        run.event("step_failed", stepId, data);
    }

    void cancel(RunTx run, String reason, String causedBy) {
        status = StepStatus.CANCELLED;
        finishedAt = run.now;
        changed = true;
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("reason", reason);
        if (causedBy != null) {
            data.put("caused_by_step_id", causedBy);
        }
        run.event("step_cancelled", stepId, data);
    }

    /** A run retry: a failed, cancelled or blocked step is pending again; true when it was one of those. */
    boolean reopen() {
        boolean blocked = status == StepStatus.SKIPPED && Decider.Skip.BLOCKED.equals(skipReason);
        if (status != StepStatus.FAILED && status != StepStatus.CANCELLED && !blocked) {
            return false;
        }
        status = StepStatus.PENDING;
        error = null;
        skipReason = null;
        output = null;
        finishedAt = null;
        changed = true;
        return true;
    }

    /** The {@code error} object of events, steps and runs. */
    static ObjectNode error(String message, JsonNode details) {
        ObjectNode error = JsonNodeFactory.instance.objectNode().put("message", message);
        if (details != null) {
            error.set("details", details);
        }
        return error;
    }

    StepStatus status() {
        return status;
    }

    int attempt() {
        return attempt;
    }

    JsonNode output() {
        return output;
    }

    JsonNode error() {
        return error;
    }

    String skipReason() {
        return skipReason;
    }

    Integer items() {
        return items;
    }

    Instant startedAt() {
        return startedAt;
    }

    Instant finishedAt() {
        return finishedAt;
    }

    /** Whether a transition changed the row since it was loaded or last written. */
    boolean changed() {
        return changed;
    }

    void written() {
        changed = false;
    }

    /** A step of a run just created, before anything happened to it. */
    static StepRow pending(String stepId) {
        return new StepRow(stepId, StepStatus.PENDING, 0, null, null, null, null, null, null);
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
