package dev.griddle.server.engine;

import java.math.BigDecimal;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pause, resume, cancel and retry, and completing an approval: each one transaction on the locked
 * run that loads it, lets its state decide (a command the state forbids is a {@link RunStateConflict}
 * saying which state it is in), and applies the transitions. An unknown run is a {@link RunNotFound}.
 */
@Component
public class RunCommands {

    private final RunTransactions transactions;
    private final RunStore runs;
    private final RunReader reader;
    private final TaskQueue queue;
    private final ApprovalStore approvals;
    private final Advancer advancer;
    private final Finisher finisher;

    private final ApprovalReplays approvalReplays;

    RunCommands(RunTransactions transactions, RunStore runs, RunReader reader, TaskQueue queue, ApprovalStore approvals, Advancer advancer, Finisher finisher,
            ApprovalReplays approvalReplays) {
        this.approvalReplays = approvalReplays;
        this.transactions = transactions;
        this.runs = runs;
        this.reader = reader;
        this.queue = queue;
        this.approvals = approvals;
        this.advancer = advancer;
        this.finisher = finisher;
    }

    public RunRow pause(UUID orgId, UUID runId) {
        return command(orgId, runId, run -> {
            run.pause();
            queue.hold(run.id(), true);
        });
    }

    /**
     * Resumes a paused or {@code budget_paused} run. {@code addBudgetUsd} (issue #5), when given,
     * raises this run's budget allowance in the same transaction; the caller checks it is positive.
     */
    public RunRow resume(UUID orgId, UUID runId, BigDecimal addBudgetUsd) {
        return command(orgId, runId, run -> {
            // before the state check, so the log precedes state_changed: a refused resume rolls all of it back
            if (addBudgetUsd != null) {
                runs.addBudget(run.id(), addBudgetUsd);
                run.event("log", null, JsonNodeFactory.instance.objectNode().put("message", "budget raised")
                        .put("add_budget_usd", addBudgetUsd));
            }
            run.resume();
            queue.hold(run.id(), false);
            run.tasksQueued();
            advancer.advance(run);
        });
    }

    public RunRow cancel(UUID orgId, UUID runId, CancelMode mode) {
        return command(orgId, runId, run -> {
            if (mode == CancelMode.IMMEDIATE) {
                run.checkCancellable();
                finisher.cancelNow(run, "run_cancelled");
                return;
            }
            run.stopGracefully();
            queue.deleteUnclaimedForRun(run.id());
            approvals.cancelPending(run.id(), run.now);
            for (StepRow step : run.steps.values()) {
                if (step.status() == StepStatus.QUEUED || step.status() == StepStatus.WAITING) {
                    finisher.cancelActive(run, step, "run_cancelled", null);
                }
            }
            if (run.status().paused()) {
                run.moveTo(RunStatus.RUNNING);
                queue.hold(run.id(), false);
            }
            advancer.advance(run);
        });
    }

    /** A failed or cancelled run goes on from where it stopped: what succeeded keeps its output. */
    public RunRow retry(UUID orgId, UUID runId) {
        return command(orgId, runId, run -> {
            run.reopen();
            int reset = 0;
            for (StepRow step : run.steps.values()) {
                if (step.reopen()) {
                    reset++;
                }
            }
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("message", "retrying run").put("steps_reset", reset);
            run.event("log", null, data);
            run.moveTo(RunStatus.RUNNING);
            advancer.advance(run);
        });
    }

    /** Completes a pending approval: its result is merged into the step's output. Twice is a {@link RunStateConflict}. */
    public Approval completeApproval(UUID orgId, UUID approvalId, boolean approved, String comment, JsonNode result) {
        return completeApproval(orgId, approvalId, approved, comment, result, null);
    }

    /** {@link #completeApproval}, {@code by} the API key that decided (kept in the run's recording, issue #18). */
    public Approval completeApproval(UUID orgId, UUID approvalId, boolean approved, String comment, JsonNode result, UUID by) {
        Approval approval = approvals.find(orgId, approvalId).orElseThrow(() -> RunNotFound.approval(approvalId));
        transactions.inRun(approval.runId(), run -> {
            Approval current = approvals.find(orgId, approvalId).orElseThrow();
            StepRow step = run.step(current.stepId());
            if (!"pending".equals(current.status()) || step == null || step.status() != StepStatus.WAITING) {
                throw RunStateConflict.approval(approvalId, current.status());
            }
            approvals.complete(approvalId, "completed", approved, comment, result, run.now);
            approvalReplays.record(run, current, step.attempt(), "completed", approved, comment, result, by);
            queue.deleteForStep(run.id(), current.stepId());
            ObjectNode output = ApprovalReplays.output(approved, comment, result, false);
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("approval_id", approvalId.toString()).put("approved", approved)
                    .put("status", "completed");
            run.event("approval_completed", step.stepId, data);
            finisher.succeed(run, step, output);
            advancer.advance(run);
            return null;
        });
        return approvals.find(orgId, approvalId).orElseThrow();
    }

    private RunRow command(UUID orgId, UUID runId, Consumer<RunTx> action) {
        reader.find(orgId, runId).orElseThrow(() -> RunNotFound.run(runId));
        transactions.inRun(runId, run -> {
            action.accept(run);
            return null;
        });
        return reader.find(orgId, runId).orElseThrow();
    }
}
