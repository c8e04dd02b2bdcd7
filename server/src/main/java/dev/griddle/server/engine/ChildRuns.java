package dev.griddle.server.engine;

import dev.griddle.server.Refusal;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.runner.InvalidStepArguments;
import dev.griddle.server.runner.PinnedRunner;
import dev.griddle.server.runner.RunnerCatalog;
import dev.griddle.server.runner.StepSpec;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code runner} steps: a parent run's step waits on a child run. Parent and child never lock each
 * other: news between them travels as tasks ({@code child_finished}, {@code cancel_run}) that the
 * other run's own transaction picks up, so there is no lock-order deadlock and nothing is lost.
 */
@Component
class ChildRuns {

    private final RunnerCatalog catalog;
    private final RunFactory factory;
    private final LiveRuns liveRuns;
    private final RunStore runs;
    private final TaskQueue queue;
    private final ChildDepth depth;

    ChildRuns(RunnerCatalog catalog, RunFactory factory, LiveRuns liveRuns, RunStore runs, TaskQueue queue, ChildDepth depth) {
        this.catalog = catalog;
        this.factory = factory;
        this.liveRuns = liveRuns;
        this.runs = runs;
        this.queue = queue;
        this.depth = depth;
    }

    /**
     * Makes the child run of {@code parent}'s step, in the parent's transaction; the caller advances
     * and flushes it. The reference rule: the child runner must be in the parent run's project (any
     * runner of the organization when the parent has none); another fails the step as if it did not
     * exist. Child runs are never deferred by the soft live-run limit, but the hard one refuses them.
     *
     * @throws InvalidStepArguments too deep, or a child the catalog or the limit refuses
     */
    RunTx start(RunTx parent, String stepId, StepSpec.ChildRun spec) {
        UUID runnerId = spec.runnerId();
        depth.checkChildOf(parent);
        RunTx child;
        try {
            PinnedRunner runner = catalog.pinForRun(parent.row.orgId(), runnerId, spec.version(), ProjectScope.ofOwner(parent.row.projectId()));
            JsonNode input = spec.input() == null || spec.input().isNull() ? JsonNodeFactory.instance.objectNode() : spec.input();
            catalog.validateInput(runner, input);
            liveRuns.checkHard(parent.row.orgId());
            child = factory.create(parent.row.orgId(), runner, input, null, new Trigger("runner", parent.id()), parent.id(), stepId);
        } catch (Refusal e) { // an unknown or invisible runner, bad input, the live-run limit
            throw new InvalidStepArguments("runner: cannot start child run of " + runnerId + ": " + e.getMessage());
        }
        parent.madeOutside();
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("child_run_id", child.id().toString());
        parent.event("log", stepId, data.put("message", "started child run " + child.id()));
        return child;
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
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("child_run_id", child.id().toString()).put("status", child.status().wire());
        result.set("output", child.output());
        result.set("error", child.error());
        queue.enqueue(TaskRow.internal(child.row.orgId(), child.row.parentRunId(), child.row.parentStepId(), 0, InternalKinds.CHILD_FINISHED, result,
                child.now), child.now, false);
        child.tasksQueued();
    }

    private void enqueueCancel(RunTx parent, UUID child) {
        queue.enqueue(TaskRow.internal(parent.row.orgId(), child, "__cancel", 0, InternalKinds.CANCEL_RUN,
                JsonNodeFactory.instance.objectNode().put("reason", "parent_cancelled"), parent.now), parent.now, false);
        parent.tasksQueued();
    }
}
