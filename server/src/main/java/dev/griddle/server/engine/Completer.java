package dev.griddle.server.engine;

import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.secret.SecretMasking;
import dev.griddle.server.step.StepOutcome;
import java.util.Random;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies what happened to a task, in one transaction on its run: checks the lease token (a stale
 * one changes nothing), deletes the task, records the step's (or item's) result, retries with
 * backoff or fails fast, and lets the Advancer start what comes next.
 */
@Component
public class Completer {

    /** How a report was taken. */
    public enum Result { APPLIED, LEASE_LOST }

    private final RunTransactions transactions;
    private final TaskQueue queue;
    private final StepRunStore stepRuns;
    private final Advancer advancer;
    private final SecretMasking masking;
    private final InternalTaskExpiry internalExpiry;
    private final ItemBudget budget;
    private final Random random = new Random();

    Completer(RunTransactions transactions, TaskQueue queue, StepRunStore stepRuns, Advancer advancer, SecretMasking masking,
            InternalTaskExpiry internalExpiry, ItemBudget budget) {
        this.internalExpiry = internalExpiry;
        this.budget = budget;
        this.masking = masking;
        this.transactions = transactions;
        this.queue = queue;
        this.stepRuns = stepRuns;
        this.advancer = advancer;
    }

    /**
     * The executor is about to start: the step turns {@code running}. False when the task should
     * not run after all (lease lost, run finished or paused, step called off).
     */
    public boolean markStarted(TaskRow task) {
        Boolean ok = transactions.inRun(task.runId(), true, run -> {
            if (queue.leased(task.id(), task.leaseToken()).isEmpty() || run.status.terminal()) {
                return false;
            }
            StepRow step = run.step(task.stepId());
            if (step == null || !step.status.active()) {
                return false;
            }
            StepLifecycle.started(run, step, task.attempt());
            if (run.status == RunStatus.QUEUED || run.status == RunStatus.WAITING) {
                run.status(RunStatus.RUNNING);
            }
            return true;
        });
        return Boolean.TRUE.equals(ok);
    }

    /** Applies the outcome, its output, error and events masked of the organization's secret values first. */
    public Result complete(TaskRow task, long token, StepOutcome reported) {
        StepOutcome outcome = masking.mask(task.orgId(), reported);
        Result result = transactions.inRun(task.runId(), run -> {
            if (!queue.release(task.id(), token)) {
                return Result.LEASE_LOST;
            }
            apply(run, task, outcome);
            return Result.APPLIED;
        });
        return result == null ? Result.LEASE_LOST : result;
    }

    /** A lease ran out: the attempt counts as failed (retryable), so the step is retried or fails. */
    void expire(TaskRow task) {
        transactions.inRun(task.runId(), run -> {
            if (InternalKinds.ALL.contains(task.kind())) {
                internalExpiry.expired(run, task); // handed back as it was, a bounded number of times
                return null;
            }
            if (!queue.release(task.id(), task.leaseToken())) {
                return null;
            }
            StepSpec spec = advancer.effective(run, task.stepId());
            String message = "lease expired: the process executing attempt " + task.attempt() + " stopped heartbeating";
            if (task.attempt() < spec.retry().maxAttempts() + LOST_LEASE_ALLOWANCE) {
                requeue(run, task, message);
            } else {
                apply(run, task, new StepOutcome.Failed(message + " (" + task.attempt() + " attempts)", false));
            }
            return null;
        });
    }

    /**
     * Re-queues a task whose lease expired as its next attempt. Crashes are not the step's fault: on
     * top of its own retry policy a step gets this many re-runs after lost leases.
     */
    static final int LOST_LEASE_ALLOWANCE = 2;

    private void requeue(RunTx run, TaskRow task, String why) {
        StepRow step = run.step(task.stepId());
        if (run.status.terminal() || step == null || !step.status.active()) {
            return;
        }
        int next = task.attempt() + 1;
        queue.enqueue(new TaskRow(UUID.randomUUID(), task.orgId(), task.runId(), task.stepId(), task.itemIndex(), next, task.kind(),
                task.taskType(), task.runsOn(), task.input(), task.timeoutMs(), run.now, null, null, null), run.now, run.status.paused());
        run.tasksEnqueued = true;
        if (task.itemIndex() < 0) {
            step.attempt = next;
            step.status = StepStatus.QUEUED;
            step.dirty = true;
        } else {
            stepRuns.updateItem(run.id(), step.stepId, task.itemIndex(), StepStatus.QUEUED, next, null, null);
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("attempt", task.attempt()).put("next_attempt", next).put("delay_ms", 0);
        if (task.itemIndex() >= 0) {
            data.put("item_index", task.itemIndex());
        }
        data.set("error", StepLifecycle.error(why, null));
        run.event("step_retrying", step.stepId, data);
    }

    void apply(RunTx run, TaskRow task, StepOutcome outcome) {
        StepRow step = run.step(task.stepId());
        // Issue #5: what the attempt spent counts even when its result is dropped below
        record(run, task, outcome.trail());
        if (run.status.terminal() || step == null || !step.status.active()) {
            return; // the run or step was called off while this attempt ran: its result is dropped
        }
        StepSpec spec = advancer.effective(run, task.stepId());
        if (outcome instanceof StepOutcome.BudgetExceeded over) {
            budgetExceeded(run, step, task, over);
        } else if (task.itemIndex() >= 0) {
            applyItem(run, spec, step, task, outcome);
        } else {
            switch (outcome) {
                case StepOutcome.Done done -> advancer.succeed(run, step, done.output());
                case StepOutcome.Failed failed -> retryOrFail(run, spec, step, task, failed);
                case StepOutcome.BudgetExceeded over -> throw new IllegalStateException("handled above");
            }
        }
        advancer.advance(run);
    }

    /**
     * Issue #5: appends the attempt's events ({@code llm_call}, {@code tool_call}) and adds its usage
     * to the run's totals, in this (the completing) transaction.
     */
    private static void record(RunTx run, TaskRow task, StepOutcome.Trail trail) {
        for (StepOutcome.Event e : trail.events()) {
            JsonNode data = e.data();
            if (task.itemIndex() >= 0 && data instanceof ObjectNode object) {
                data = object.deepCopy().put("item_index", task.itemIndex());
            }
            run.event(e.type(), task.stepId(), data);
        }
        run.spend(trail.usage());
    }

    /**
     * Issue #5: the runner's budget is spent. {@code on_exceed: fail} fails the step (and so the run);
     * otherwise the run turns {@code budget_paused} and the same attempt waits, held, in the queue
     * until {@code POST /runs/{id}/resume} (which may raise the run's allowance) releases it.
     */
    private void budgetExceeded(RunTx run, StepRow step, TaskRow task, StepOutcome.BudgetExceeded over) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("reason", over.reason()).put("on_exceed", over.fail() ? "fail" : "pause");
        if (task.itemIndex() >= 0) {
            data.put("item_index", task.itemIndex());
        }
        run.event("budget_exceeded", step.stepId, data);
        if (over.fail()) {
            String where = task.itemIndex() >= 0 ? " (item " + task.itemIndex() + ")" : "";
            advancer.fail(run, step, "budget exceeded: " + over.reason() + where, null);
            return;
        }
        queue.enqueue(new TaskRow(UUID.randomUUID(), task.orgId(), task.runId(), task.stepId(), task.itemIndex(), task.attempt(), task.kind(),
                task.taskType(), task.runsOn(), task.input(), task.timeoutMs(), run.now, null, null, null), run.now, true);
        if (task.itemIndex() < 0) {
            step.status = StepStatus.QUEUED;
            step.dirty = true;
        } else {
            stepRuns.updateItem(run.id(), step.stepId, task.itemIndex(), StepStatus.QUEUED, task.attempt(), null, null);
        }
        if (!run.status.paused()) {
            run.status(RunStatus.BUDGET_PAUSED);
            queue.hold(run.id(), true);
        }
    }

    private void retryOrFail(RunTx run, StepSpec spec, StepRow step, TaskRow task, StepOutcome.Failed failed) {
        if (failed.retryable() && task.attempt() < spec.retry().maxAttempts()) {
            long delay = Backoff.delayMillis(spec.retry(), task.attempt(), random);
            int next = task.attempt() + 1;
            queue.enqueue(new TaskRow(UUID.randomUUID(), task.orgId(), task.runId(), task.stepId(), task.itemIndex(), next, task.kind(),
                    task.taskType(), task.runsOn(), task.input(), task.timeoutMs(), run.now.plusMillis(delay), null, null, null), run.now,
                    run.status.paused());
            run.tasksEnqueued = true;
            if (task.itemIndex() < 0) {
                step.attempt = next;
                step.status = StepStatus.QUEUED;
                step.dirty = true;
            }
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("attempt", task.attempt()).put("next_attempt", next)
                    .put("delay_ms", delay);
            if (task.itemIndex() >= 0) {
                data.put("item_index", task.itemIndex());
            }
            data.set("error", StepLifecycle.error(failed.message(), failed.details()));
            run.event("step_retrying", step.stepId, data);
            return;
        }
        String where = task.itemIndex() >= 0 ? " (item " + task.itemIndex() + ")" : "";
        String attempts = spec.retry().maxAttempts() > 1 && failed.retryable() ? " after " + task.attempt() + " attempts" : "";
        advancer.fail(run, step, failed.message() + where + attempts, failed.details());
    }

    private void applyItem(RunTx run, StepSpec spec, StepRow step, TaskRow task, StepOutcome outcome) {
        if (outcome instanceof StepOutcome.Failed failed) {
            boolean willRetry = failed.retryable() && task.attempt() < spec.retry().maxAttempts();
            stepRuns.updateItem(run.id(), step.stepId, task.itemIndex(), willRetry ? StepStatus.QUEUED : StepStatus.FAILED, task.attempt(),
                    null, StepLifecycle.error(failed.message(), failed.details()));
            retryOrFail(run, spec, step, task, failed);
            return;
        }
        JsonNode output = ((StepOutcome.Done) outcome).output();
        String tooLarge = budget.itemTooLarge(output);
        if (tooLarge != null) {
            applyItem(run, spec, step, task, new StepOutcome.Failed(tooLarge, false));
            return;
        }
        stepRuns.updateItem(run.id(), step.stepId, task.itemIndex(), StepStatus.SUCCEEDED, task.attempt(), output, null);
        StepRunStore.ItemCounts counts = stepRuns.itemCounts(run.id(), step.stepId);
        if (counts.active() == 0 && counts.pending() == 0) {
            String over = budget.outputsTooLarge(run.id(), step.stepId);
            if (over != null) {
                advancer.fail(run, step, over, null);
                return;
            }
            advancer.succeed(run, step, stepRuns.itemOutputs(run.id(), step.stepId));
            return;
        }
        int limit = budget.parallel(spec.maxParallel());
        long free = Math.min(limit - counts.active(), counts.pending());
        if (free <= 0) {
            return;
        }
        ObjectNode context = advancer.context(run, step.stepId);
        for (StepRunStore.Item next : stepRuns.pendingItems(run.id(), step.stepId, (int) free)) {
            advancer.enqueueItem(run, spec, next.idx(), next.item(), 1, context);
        }
    }
}
