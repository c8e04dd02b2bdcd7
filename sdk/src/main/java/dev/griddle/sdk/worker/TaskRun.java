package dev.griddle.sdk.worker;

import dev.griddle.sdk.RawResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One claimed task on its worker: the handler runs while its lease is kept alive, then the result
 * (output, or a failure with whether it may be retried) is reported with the lease token — unless
 * the lease was lost meanwhile or the task was called off, when nothing is reported.
 */
final class TaskRun {

    private static final Logger log = Logger.getLogger(Worker.class.getName());
    private static final Duration REPORT_PATIENCE = Duration.ofMinutes(5);

    private final WorkerHttp http;
    private final Map<String, TaskHandler> handlers;
    private final JsonNode task;
    private final TaskContext context;
    private final Runnable callOff;

    /** {@code callOff} interrupts the task's thread (the server took the lease back). */
    TaskRun(WorkerHttp http, Map<String, TaskHandler> handlers, JsonNode task, TaskContext context, Runnable callOff) {
        this.http = http;
        this.handlers = handlers;
        this.task = task;
        this.context = context;
        this.callOff = callOff;
    }

    void handleAndReport() throws InterruptedException {
        UUID taskId = context.taskId();
        TaskLease lease = new TaskLease(http, task, context, callOff);
        Thread keeper = Thread.ofVirtual().name("griddle-lease-" + taskId).start(lease::keep);
        TaskHandler handler = handlers.get(context.taskType());
        ObjectNode report;
        String verb;
        try {
            if (handler == null) {
                throw new TaskFailure("this worker has no handler for task type '" + context.taskType() + "'", true);
            }
            JsonNode output = handler.handle(task.path("input"), context);
            report = JsonNodeFactory.instance.objectNode().set("output", output);
            verb = "complete";
        } catch (TaskFailure e) {
            report = failure(e.getMessage(), e.retryable());
            verb = "fail";
        } catch (InterruptedException e) {
            log.info(() -> "Task " + taskId + " was called off; not reporting it");
            return;
        } catch (Exception e) {
            report = failure(e.getClass().getSimpleName() + ": " + e.getMessage(), true);
            verb = "fail";
        }
        context.markHandled();
        keeper.join();
        if (context.leaseLost()) {
            log.warning(() -> "Lease on task " + taskId + " was lost while it ran; dropping its result");
            return;
        }
        lease.flushLogs();
        report.put("lease_token", context.leaseToken());
        RawResponse response = http.post("/api/v1/tasks/" + taskId + "/" + verb, report, REPORT_PATIENCE, () -> true);
        if (response == null) {
            log.warning(() -> "Could not report task " + taskId + "; its lease will expire and it will run again");
        } else if (response.status() == 409) {
            log.warning(() -> "Task " + taskId + ": the server refused the report (lease lost): " + response.body());
        } else if (response.status() >= 300) {
            log.warning(() -> "Task " + taskId + ": report answered " + response.status() + " " + response.body());
        }
    }

    private static ObjectNode failure(String message, boolean retryable) {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.putObject("error").put("message", message == null ? "failed" : message).put("retryable", retryable);
        return report;
    }
}
