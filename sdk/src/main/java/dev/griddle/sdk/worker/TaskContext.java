package dev.griddle.sdk.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A running task: who it is, and the handler's way to stream log lines to the run's events.
 * Lines are buffered and sent in batches (a few times a second) while the task runs, and the rest
 * before its result is reported.
 */
public final class TaskContext {

    /** Lines buffered per stream, in order; {@code null} stream = no stream named. */
    record Batch(String stream, List<String> lines) {
    }

    private final JsonNode task;
    private final List<Batch> pending = new ArrayList<>();
    private volatile boolean leaseLost;
    private volatile boolean handled;

    TaskContext(JsonNode task) {
        this.task = task;
    }

    public UUID taskId() {
        return UUID.fromString(task.path("id").asString());
    }

    public UUID runId() {
        return UUID.fromString(task.path("run_id").asString());
    }

    public String stepId() {
        return task.path("step_id").asString();
    }

    public String taskType() {
        return task.path("task_type").asString();
    }

    public int attempt() {
        return task.path("attempt").asInt();
    }

    /** The step's {@code timeout_ms}, or null when it has none. */
    public Long timeoutMs() {
        return task.hasNonNull("timeout_ms") ? task.get("timeout_ms").asLong() : null;
    }

    long leaseToken() {
        return task.path("lease_token").asLong();
    }

    /** Whether the server took the task back (lease lost): stop, nothing more will be reported. */
    public boolean leaseLost() {
        return leaseLost;
    }

    /** The handler returned: the lease keeper stops after its current step (never interrupted mid-send, or lines would be lost). */
    void markHandled() {
        handled = true;
    }

    boolean handled() {
        return handled;
    }

    void markLeaseLost() {
        leaseLost = true;
    }

    public void log(String line) {
        log(null, line);
    }

    /** A line on {@code stream} ({@code stdout} or {@code stderr}). */
    public synchronized void log(String stream, String line) {
        Batch last = pending.isEmpty() ? null : pending.getLast();
        if (last == null || !java.util.Objects.equals(last.stream(), stream)) {
            last = new Batch(stream, new ArrayList<>());
            pending.add(last);
        }
        last.lines().add(line);
    }

    synchronized List<Batch> drainLogs() {
        List<Batch> out = List.copyOf(pending);
        pending.clear();
        return out;
    }
}
