package dev.griddle.sdk.worker;

import dev.griddle.sdk.RawResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps one claimed task's lease while its handler runs: extends the lease every third of its
 * length, sends buffered log lines every 250 ms, and calls {@code onLost} when the server says the
 * lease is gone (the task was handed to another worker).
 */
final class TaskLease {

    private static final Logger log = Logger.getLogger(TaskLease.class.getName());

    private final WorkerHttp http;
    private final TaskContext context;
    private final long leaseMillis;
    private final Runnable onLost;

    TaskLease(WorkerHttp http, JsonNode task, TaskContext context, Runnable onLost) {
        this.http = http;
        this.context = context;
        this.onLost = onLost;
        Instant expires = Instant.parse(task.path("lease_expires_at").asString());
        this.leaseMillis = Math.max(1000, Duration.between(Instant.now(), expires).toMillis());
    }

    /** Runs until the handler is done or this thread is interrupted. */
    void keep() {
        UUID taskId = context.taskId();
        long beatEvery = Math.max(300, leaseMillis / 3);
        long nextBeat = System.nanoTime() + beatEvery * 1_000_000;
        try {
            while (!context.handled()) {
                Thread.sleep(250);
                flushLogs();
                if (System.nanoTime() >= nextBeat) {
                    nextBeat = System.nanoTime() + beatEvery * 1_000_000;
                    ObjectNode body = JsonNodeFactory.instance.objectNode().put("lease_token", context.leaseToken());
                    RawResponse response = http.post("/api/v1/tasks/" + taskId + "/heartbeat", body, Duration.ofMillis(leaseMillis),
                            () -> true);
                    if (response != null && (response.status() == 409 || response.status() == 404)) {
                        context.markLeaseLost();
                        log.warning(() -> "Lease on task " + taskId + " lost; stopping its handler");
                        onLost.run();
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // the task finished
        }
    }

    /** Sends the log lines buffered so far; a 409 means the lease is gone. */
    void flushLogs() throws InterruptedException {
        for (TaskContext.Batch batch : context.drainLogs()) {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("lease_token", context.leaseToken());
            if (batch.stream() != null) {
                body.put("stream", batch.stream());
            }
            batch.lines().forEach(body.putArray("lines")::add);
            RawResponse response = http.post("/api/v1/tasks/" + context.taskId() + "/logs", body, Duration.ofSeconds(30), () -> true);
            if (response != null && response.status() == 409) {
                context.markLeaseLost();
                return;
            }
        }
    }
}
