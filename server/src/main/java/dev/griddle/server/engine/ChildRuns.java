package dev.griddle.server.engine;

import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.web.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code runner} steps: a parent run's step waits on a child run. Parent and child never lock each
 * other: news between them travels as tasks ({@code child_finished}, {@code cancel_run}) that the
 * other run's own transaction picks up, so there is no lock-order deadlock and nothing is lost.
 */
@Component
class ChildRuns {

    private final ObjectProvider<RunStarter> starter;
    private final RunStore runs;
    private final TaskQueue queue;
    private final ChildDepth depth;

    ChildRuns(ObjectProvider<RunStarter> starter, RunStore runs, TaskQueue queue, ChildDepth depth) {
        this.depth = depth;
        this.starter = starter;
        this.runs = runs;
        this.queue = queue;
    }

    /** Starts the child run of a {@code runner} step whose arguments are rendered. */
    void start(RunTx parent, String stepId, StepSpec.ChildRun spec) {
        UUID runnerId = spec.runnerId();
        depth.checkChildOf(parent);
        try {
            UUID child = starter.getObject().startChild(parent, stepId, runnerId, spec.version(), spec.input());
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("child_run_id", child.toString());
            parent.event("log", stepId, data.put("message", "started child run " + child));
        } catch (ApiException | LiveRunLimitExceeded e) {
            throw new IllegalArgumentException("runner: cannot start child run of " + runnerId + ": " + e.getMessage());
        }
    }

    void cancelChildOf(RunTx parent, String stepId) {
        for (UUID child : runs.activeChildren(parent.id(), stepId)) {
            enqueueCancel(parent, child);
        }
    }

    void cancelAllOf(RunTx parent) {
        for (UUID child : runs.activeChildren(parent.id(), null)) {
            enqueueCancel(parent, child);
        }
    }

    /** A finished child tells its parent's waiting step, through the parent's queue. */
    void reportToParent(RunTx child) {
        if (child.row.parentRunId() == null) {
            return;
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("child_run_id", child.id().toString()).put("status", child.status.wire());
        result.set("output", child.output);
        result.set("error", child.error);
        queue.enqueue(new TaskRow(UUID.randomUUID(), child.row.orgId(), child.row.parentRunId(), child.row.parentStepId(), -1, 0,
                InternalKinds.CHILD_FINISHED, InternalKinds.CHILD_FINISHED, List.of(), result, null, child.now, null, null, null), child.now, false);
        child.tasksEnqueued = true;
    }

    private void enqueueCancel(RunTx parent, UUID child) {
        queue.enqueue(new TaskRow(UUID.randomUUID(), parent.row.orgId(), child, "__cancel", -1, 0, InternalKinds.CANCEL_RUN,
                InternalKinds.CANCEL_RUN, List.of(), JsonNodeFactory.instance.objectNode().put("reason", "parent_cancelled"), null,
                parent.now, null, null, null), parent.now, false);
        parent.tasksEnqueued = true;
    }
}
