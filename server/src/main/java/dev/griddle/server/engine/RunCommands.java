package dev.griddle.server.engine;

import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pause, resume, cancel and retry, each one transaction on the locked run. An unknown run is a
 * {@link RunNotFound}; a command the run's state forbids a {@link RunStateConflict} saying which
 * state it is in.
 */
@Component
public class RunCommands {

    private final RunTransactions transactions;
    private final RunStore runs;
    private final TaskQueue queue;
    private final ApprovalStore approvals;
    private final Advancer advancer;

    RunCommands(RunTransactions transactions, RunStore runs, TaskQueue queue, ApprovalStore approvals, Advancer advancer) {
        this.transactions = transactions;
        this.runs = runs;
        this.queue = queue;
        this.approvals = approvals;
        this.advancer = advancer;
    }

    public RunRow pause(UUID orgId, UUID runId) {
        return command(orgId, runId, run -> {
            if (run.status.terminal() || run.status.paused()) {
                throw conflict(run, "pause");
            }
            run.status(RunStatus.PAUSED);
            queue.hold(run.id(), true);
        });
    }

    /**
     * Resumes a paused or {@code budget_paused} run. {@code addBudgetUsd} (issue #5), when given,
     * raises this run's budget allowance in the same transaction; the caller checks it is positive.
     */
    public RunRow resume(UUID orgId, UUID runId, java.math.BigDecimal addBudgetUsd) {
        return command(orgId, runId, run -> {
            if (!run.status.paused()) {
                throw conflict(run, "resume");
            }
            if (addBudgetUsd != null) {
                runs.addBudget(run.id(), addBudgetUsd);
                run.event("log", null, JsonNodeFactory.instance.objectNode().put("message", "budget raised")
                        .put("add_budget_usd", addBudgetUsd));
            }
            run.status(RunStatus.RUNNING);
            queue.hold(run.id(), false);
            run.tasksEnqueued = true;
            advancer.advance(run);
        });
    }

    public RunRow cancel(UUID orgId, UUID runId, CancelMode mode) {
        return command(orgId, runId, run -> {
            if (run.status.terminal()) {
                throw conflict(run, "cancel");
            }
            if (mode == CancelMode.IMMEDIATE) {
                cancelNow(run, "run_cancelled");
                return;
            }
            run.cancelMode = CancelMode.GRACEFUL.wire();
            run.event("log", null, JsonNodeFactory.instance.objectNode().put("message", "graceful cancel requested"));
            queue.deleteUnclaimedForRun(run.id());
            approvals.cancelPending(run.id(), run.now);
            for (StepRow step : run.steps.values()) {
                if (step.status == StepStatus.QUEUED || step.status == StepStatus.WAITING) {
                    advancer.cancelActive(run, step, "run_cancelled", null);
                }
            }
            if (run.status.paused()) {
                run.status(RunStatus.RUNNING);
                queue.hold(run.id(), false);
            }
            advancer.advance(run);
        });
    }

    void cancelNow(RunTx run, String reason) {
        if (run.status.terminal()) {
            return;
        }
        for (StepRow step : run.steps.values()) {
            if (step.status.active()) {
                advancer.cancelActive(run, step, reason, null);
            } else if (step.status == StepStatus.PENDING) {
                StepLifecycle.cancelled(run, step, reason, null);
            }
        }
        advancer.finish(run, RunStatus.CANCELLED);
    }

    /** A failed or cancelled run goes on from where it stopped: what succeeded keeps its output. */
    public RunRow retry(UUID orgId, UUID runId) {
        return command(orgId, runId, run -> {
            if (run.status != RunStatus.FAILED && run.status != RunStatus.CANCELLED) {
                throw conflict(run, "retry");
            }
            run.reopen();
            int reset = 0;
            for (StepRow step : run.steps.values()) {
                boolean blocked = step.status == StepStatus.SKIPPED && Decider.Skip.BLOCKED.equals(step.skipReason);
                if (step.status == StepStatus.FAILED || step.status == StepStatus.CANCELLED || blocked) {
                    step.status = StepStatus.PENDING;
                    step.error = null;
                    step.skipReason = null;
                    step.output = null;
                    step.finishedAt = null;
                    step.dirty = true;
                    reset++;
                }
            }
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("message", "retrying run").put("steps_reset", reset);
            run.event("log", null, data);
            run.status(RunStatus.RUNNING);
            advancer.advance(run);
        });
    }

    /** Completes a pending approval: its result is merged into the step's output. Twice is a 409. */
    public Approval completeApproval(UUID orgId, UUID approvalId, boolean approved, String comment, JsonNode result) {
        Approval approval = approvals.find(orgId, approvalId).orElseThrow(() -> RunNotFound.approval(approvalId));
        transactions.inRun(approval.runId(), run -> {
            Approval current = approvals.find(orgId, approvalId).orElseThrow();
            StepRow step = run.step(current.stepId());
            if (!"pending".equals(current.status()) || step == null || step.status != StepStatus.WAITING) {
                throw RunStateConflict.approval(approvalId, current.status());
            }
            approvals.complete(approvalId, "completed", approved, comment, result, run.now);
            queue.deleteForStep(run.id(), current.stepId());
            ObjectNode output = JsonNodeFactory.instance.objectNode();
            if (result != null && result.isObject()) {
                output.setAll((ObjectNode) result);
            }
            output.put("approved", approved);
            output.put("comment", comment);
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("approval_id", approvalId.toString()).put("approved", approved)
                    .put("status", "completed");
            run.event("approval_completed", step.stepId, data);
            advancer.succeed(run, step, output);
            advancer.advance(run);
            return null;
        });
        return approvals.find(orgId, approvalId).orElseThrow();
    }

    private RunRow command(UUID orgId, UUID runId, java.util.function.Consumer<RunTx> action) {
        runs.find(orgId, runId).orElseThrow(() -> RunNotFound.run(runId));
        transactions.inRun(runId, run -> {
            action.accept(run);
            return null;
        });
        return runs.find(orgId, runId).orElseThrow();
    }

    private static RunStateConflict conflict(RunTx run, String verb) {
        return RunStateConflict.command(run.id(), run.status, verb);
    }
}
