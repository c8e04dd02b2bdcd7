package dev.griddle.server.engine;

import dev.griddle.server.replay.RecordingStore;
import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.secret.SecretMasking;
import dev.griddle.server.step.StepOutcome;
import java.util.Random;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies what happened to a task, in one transaction on its run: load (check the lease token, a
 * stale one changes nothing, and delete the task), decide (the {@link Decider}'s verdict on the
 * outcome), apply (the verdict's transitions), and let the Advancer start what comes next.
 */
@Component
public class Completer {

    /** How a report was taken. */
    public enum Result { APPLIED, LEASE_LOST }

    /**
     * Crashes are not the step's fault: on top of its own retry policy a step gets this many re-runs
     * after lost leases.
     */
    static final int LOST_LEASE_ALLOWANCE = 2;

    private final RunTransactions transactions;
    private final TaskQueue queue;
    private final StepRunStore stepRuns;
    private final Advancer advancer;
    private final ForEachSteps forEach;
    private final Finisher finisher;
    private final SecretMasking masking;
    private final InternalTaskExpiry internalExpiry;
    private final ItemBudget budget;
    private final RecordingStore recordings;
    private final Random random = new Random();

    Completer(RunTransactions transactions, TaskQueue queue, StepRunStore stepRuns, Advancer advancer, ForEachSteps forEach, Finisher finisher,
            SecretMasking masking, InternalTaskExpiry internalExpiry, ItemBudget budget, RecordingStore recordings) {
        this.recordings = recordings;
        this.transactions = transactions;
        this.queue = queue;
        this.stepRuns = stepRuns;
        this.advancer = advancer;
        this.forEach = forEach;
        this.finisher = finisher;
        this.masking = masking;
        this.internalExpiry = internalExpiry;
        this.budget = budget;
    }

    /**
     * The executor is about to start: the step turns {@code running}. False when the task should
     * not run after all (lease lost, run finished or paused, step called off).
     */
    public boolean markStarted(TaskRow task) {
        Boolean ok = transactions.inRun(task.runId(), true, run -> {
            if (queue.leased(task.id(), task.leaseToken()).isEmpty() || run.status().terminal()) {
                return false;
            }
            StepRow step = run.step(task.stepId());
            if (step == null || !step.status().active()) {
                return false;
            }
            step.running(run, task.attempt());
            if (run.status() == RunStatus.QUEUED || run.status() == RunStatus.WAITING) {
                run.moveTo(RunStatus.RUNNING);
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

    /** A lease ran out: the attempt counts as failed, so the step is run again or fails. */
    void expire(TaskRow task) {
        transactions.inRun(task.runId(), run -> {
            if (InternalKinds.ALL.contains(task.kind())) {
                internalExpiry.expired(run, task); // handed back as it was, a bounded number of times
                return null;
            }
            if (!queue.release(task.id(), task.leaseToken()) || calledOff(run, task)) {
                return null;
            }
            StepSpec spec = advancer.effective(run, task.stepId());
            apply(run, run.step(task.stepId()), spec, task, Decider.onLeaseExpired(spec.retry(), task.attempt(), task.itemIndex(), LOST_LEASE_ALLOWANCE));
            return null;
        });
    }

    /** Inside the run's transaction, the task released: records the attempt's trail, then decides and applies its outcome. */
    void apply(RunTx run, TaskRow task, StepOutcome outcome) {
        // Issue #5: what the attempt spent counts even when its result is dropped below
        record(run, task, outcome.trail());
        if (calledOff(run, task)) {
            return; // the run or step was called off while this attempt ran: its result is dropped
        }
        StepRow step = run.step(task.stepId());
        if (outcome instanceof StepOutcome.BudgetExceeded over) {
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("reason", over.reason()).put("on_exceed", over.fail() ? "fail" : "pause");
            putItem(data, task);
            run.event("budget_exceeded", step.stepId, data);
        }
        StepOutcome checked = outcome;
        if (task.itemIndex() >= 0 && outcome instanceof StepOutcome.Done done) {
            String tooLarge = budget.itemTooLarge(done.output());
            checked = tooLarge == null ? done : new StepOutcome.Failed(tooLarge, false);
        }
        StepSpec spec = advancer.effective(run, task.stepId());
        apply(run, step, spec, task, Decider.onOutcome(spec.retry(), task.attempt(), task.itemIndex(), checked, random));
    }

    private static boolean calledOff(RunTx run, TaskRow task) {
        StepRow step = run.step(task.stepId());
        return run.status().terminal() || step == null || !step.status().active();
    }

    private void apply(RunTx run, StepRow step, StepSpec spec, TaskRow task, Decider.Verdict verdict) {
        int item = task.itemIndex();
        switch (verdict) {
            case Decider.Verdict.Succeed s when item >= 0 -> {
                stepRuns.updateItem(run.id(), step.stepId, item, StepStatus.SUCCEEDED, task.attempt(), s.output(), null);
                forEach.afterItem(run, spec, step, Decider.afterItem(stepRuns.itemCounts(run.id(), step.stepId),
                        budget.parallel(spec.maxParallel())));
            }
            case Decider.Verdict.Succeed s -> finisher.succeed(run, step, s.output());
            case Decider.Verdict.Retry r -> {
                queue.enqueue(task.again(r.next(), run.now.plusMillis(r.delayMs())), run.now, run.status().paused());
                run.tasksQueued();
                if (item >= 0) {
                    stepRuns.updateItem(run.id(), step.stepId, item, StepStatus.QUEUED, r.next(), null, r.error());
                }
                step.retry(run, task.attempt(), r.delayMs(), item, r.error());
            }
            case Decider.Verdict.Fail f -> {
                if (item >= 0) {
                    stepRuns.updateItem(run.id(), step.stepId, item, StepStatus.FAILED, task.attempt(), null, StepRow.error(f.message(), f.details()));
                }
                finisher.fail(run, step, f.message(), f.details());
            }
            case Decider.Verdict.Pause p -> {
                // Issue #5: held until POST /runs/{id}/resume (which may raise the run's allowance) releases it
                queue.enqueue(task.again(task.attempt(), run.now), run.now, true);
                if (item >= 0) {
                    stepRuns.updateItem(run.id(), step.stepId, item, StepStatus.QUEUED, task.attempt(), null, null);
                } else {
                    step.hold();
                }
                if (!run.status().paused()) {
                    run.budgetPause();
                    queue.hold(run.id(), true);
                }
            }
        }
        advancer.advance(run);
    }

    /**
     * Issue #5: appends the attempt's events ({@code llm_call}, {@code tool_call}) and adds its usage
     * to the run's totals, in this (the completing) transaction.
     */
    private void record(RunTx run, TaskRow task, StepOutcome.Trail trail) {
        for (StepOutcome.Event e : trail.events()) {
            JsonNode data = e.data();
            if (task.itemIndex() >= 0 && data instanceof ObjectNode object) {
                data = putItem(object.deepCopy(), task);
            }
            run.event(e.type(), task.stepId(), data);
        }
        run.spend(trail.usage());
        // issue #18: the attempt's external calls join the run's recording in this transaction too
        int dropped = recordings.append(run.id(), task.stepId(), task.itemIndex(), task.attempt(), trail.calls(), run.now);
        if (dropped > 0) {
            run.event("recording_truncated", task.stepId(), putItem(JsonNodeFactory.instance.objectNode().put("dropped_calls", dropped)
                    .put("setting", "griddle.replay.max-bytes-per-run"), task));
        }
    }

    private static ObjectNode putItem(ObjectNode data, TaskRow task) {
        return task.itemIndex() >= 0 ? data.put("item_index", task.itemIndex()) : data;
    }
}
