package dev.griddle.server.worker;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.Completer;
import dev.griddle.server.engine.RemoteTasks;
import dev.griddle.server.engine.TaskRow;
import dev.griddle.server.step.StepOutcome;
import dev.griddle.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A worker's reports on a task it holds: heartbeat, complete, fail, logs. Fencing: every report
 * carries the lease token from the claim; a token that no longer holds the task (the lease expired
 * and the task was handed on, or it already finished) is a {@code 409} that changes nothing.
 * Another organization's task, or a task of a project the key does not see, is a {@code 404}.
 */
@Component
class TaskReports {

    private final RemoteTasks tasks;
    private final WorkerTaskHistory history;
    private final RemoteLease lease;
    private final Clock clock;

    TaskReports(RemoteTasks tasks, WorkerTaskHistory history, RemoteLease lease, Clock clock) {
        this.tasks = tasks;
        this.history = history;
        this.lease = lease;
        this.clock = clock;
    }

    Instant heartbeat(UUID orgId, ProjectScope scope, UUID taskId, long token) {
        held(orgId, scope, taskId, token);
        return tasks.extend(taskId, token, lease.duration(), clock.instant()).orElseThrow(() -> leaseLost(taskId));
    }

    void complete(UUID orgId, ProjectScope scope, UUID taskId, long token, JsonNode output) {
        TaskRow task = held(orgId, scope, taskId, token);
        if (tasks.report(task, token, StepOutcome.done(output), clock.instant()) != Completer.Result.APPLIED) {
            throw leaseLost(taskId);
        }
        history.finished(taskId, "completed", null, clock.instant());
    }

    void fail(UUID orgId, ProjectScope scope, UUID taskId, long token, String message, boolean retryable, JsonNode details) {
        TaskRow task = held(orgId, scope, taskId, token);
        if (tasks.report(task, token, new StepOutcome.Failed(message, retryable, details), clock.instant()) != Completer.Result.APPLIED) {
            throw leaseLost(taskId);
        }
        ObjectNode error = JsonNodeFactory.instance.objectNode().put("message", message).put("retryable", retryable);
        history.finished(taskId, "failed", error, clock.instant());
    }

    void logs(UUID orgId, ProjectScope scope, UUID taskId, long token, String stream, List<String> lines) {
        TaskRow task = held(orgId, scope, taskId, token);
        if (tasks.log(task, token, stream, lines) != Completer.Result.APPLIED) {
            throw leaseLost(taskId);
        }
    }

    /**
     * The task if this token holds it; 404 for a task this key could never have claimed (another
     * organization's, or of a project outside the key's scope), 409 for a lost lease. Visibility is
     * decided before the token, so a stranger learns nothing from the answer.
     */
    private TaskRow held(UUID orgId, ProjectScope scope, UUID taskId, long token) {
        TaskRow task = tasks.find(taskId).orElse(null);
        if (task == null) {
            if (history.known(orgId, scope, taskId)) {
                throw leaseLost(taskId);
            }
            throw ApiException.notFound("task", taskId);
        }
        if (!task.orgId().equals(orgId) || !scope.sees(task.projectId())) {
            throw ApiException.notFound("task", taskId);
        }
        if (task.leaseToken() == null || task.leaseToken() != token) {
            throw leaseLost(taskId);
        }
        return task;
    }

    private static ApiException leaseLost(UUID taskId) {
        return new ApiException(org.springframework.http.HttpStatus.CONFLICT, "CONFLICT",
                "The lease on task '" + taskId + "' was lost (expired, or the task already finished); this report changed nothing", null,
                "Drop this task: it has been or will be handed to another worker. Claim again for new work.");
    }
}
