package dev.griddle.server.engine;

import dev.griddle.server.expr.Expressions;
import dev.griddle.server.runner.InvalidStepArguments;
import dev.griddle.server.runner.StepSpec;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code for_each} steps: the list is evaluated once, a {@code transform} renders every item inline,
 * other step types queue one task per item, at most {@code max_parallel} at a time, and the step
 * succeeds with the list of the items' outputs once the last one succeeded.
 */
@Component
class ForEachSteps {

    /** The most items one for_each may fan out to. */
    private static final int MAX_ITEMS = 10_000;

    private final Expressions expressions;
    private final StepRunStore stepRuns;
    private final ItemBudget budget;
    private final ItemRetry itemRetry;
    private final StepTasks tasks;
    private final Finisher finisher;
    private final RunContext contexts;

    ForEachSteps(Expressions expressions, StepRunStore stepRuns, ItemBudget budget, ItemRetry itemRetry, StepTasks tasks, Finisher finisher,
            RunContext contexts) {
        this.expressions = expressions;
        this.stepRuns = stepRuns;
        this.budget = budget;
        this.itemRetry = itemRetry;
        this.tasks = tasks;
        this.finisher = finisher;
        this.contexts = contexts;
    }

    /**
     * Starts the step's items; true when the step ended here (an empty list, a transform).
     *
     * @throws InvalidStepArguments the list is not one, too long, or its step type cannot fan out
     */
    boolean start(RunTx run, StepSpec spec, StepRow step, ObjectNode context) {
        JsonNode list = expressions.evaluate(spec.forEach(), context);
        if (!list.isArray()) {
            throw new InvalidStepArguments("for_each '" + spec.forEach() + "' must evaluate to a list, got " + list.getNodeType());
        }
        if (list.size() > MAX_ITEMS) {
            throw new InvalidStepArguments("for_each '" + spec.forEach() + "' has " + list.size() + " items; the limit is " + MAX_ITEMS);
        }
        boolean again = step.attempt() > 0; // started before: a run retry
        step.startItems(run, list.size());
        if (list.isEmpty()) {
            finisher.succeed(run, step, JsonNodeFactory.instance.arrayNode());
            return true;
        }
        if (spec instanceof StepSpec.Transform transform) {
            var outputs = JsonNodeFactory.instance.arrayNode();
            ItemBudget.Tally tally = budget.tally(list.size());
            for (JsonNode item : list) {
                JsonNode rendered = expressions.render(transform.value(), RunContext.withItem(context, item));
                tally.add(rendered);
                outputs.add(rendered);
            }
            finisher.succeed(run, step, outputs);
            return true;
        }
        if (!(spec instanceof StepSpec.Queued)) {
            throw new InvalidStepArguments("for_each is not supported on " + spec.type() + " steps");
        }
        List<JsonNode> items = new ArrayList<>();
        list.forEach(items::add);
        if (again && itemRetry.keepSucceeded(run.id(), spec.id(), items.size())) {
            return resume(run, spec, step, context);
        }
        stepRuns.insertItems(run.id(), spec.id(), items);
        int parallel = Math.min(budget.parallel(spec.maxParallel()), items.size());
        for (int i = 0; i < parallel; i++) {
            enqueue(run, spec, i, items.get(i), context);
        }
        return false;
    }

    /** A retried for_each: its succeeded items are kept, the others queued again up to max_parallel. */
    private boolean resume(RunTx run, StepSpec spec, StepRow step, ObjectNode context) {
        List<StepRunStore.Item> next = stepRuns.pendingItems(run.id(), spec.id(), budget.parallel(spec.maxParallel()));
        if (next.isEmpty()) {
            String over = budget.outputsTooLarge(run.id(), spec.id());
            if (over != null) {
                throw new InvalidStepArguments(over);
            }
            finisher.succeed(run, step, stepRuns.itemOutputs(run.id(), spec.id()));
            return true;
        }
        for (StepRunStore.Item item : next) {
            enqueue(run, spec, item.idx(), item.item(), context);
        }
        return false;
    }

    /** Applies the Decider's word after an item succeeded: the step succeeds with every item's output, or more items are queued. */
    void afterItem(RunTx run, StepSpec spec, StepRow step, Decider.AfterItem next) {
        switch (next) {
            case Decider.AfterItem.Finish f -> {
                String over = budget.outputsTooLarge(run.id(), step.stepId);
                if (over != null) {
                    finisher.fail(run, step, over, null);
                } else {
                    finisher.succeed(run, step, stepRuns.itemOutputs(run.id(), step.stepId));
                }
            }
            case Decider.AfterItem.NextItems n when n.count() > 0 -> {
                ObjectNode context = contexts.of(run, step.stepId);
                for (StepRunStore.Item item : stepRuns.pendingItems(run.id(), step.stepId, n.count())) {
                    enqueue(run, spec, item.idx(), item.item(), context);
                }
            }
            case Decider.AfterItem.NextItems n -> {
                // as many items queued or running as max_parallel allows: the next one starts when one of them ends
            }
        }
    }

    private void enqueue(RunTx run, StepSpec spec, int idx, JsonNode item, ObjectNode context) {
        JsonNode with = spec.with() == null ? JsonNodeFactory.instance.objectNode() : spec.with();
        JsonNode args = expressions.render(with, RunContext.withItem(context, item));
        stepRuns.updateItem(run.id(), spec.id(), idx, StepStatus.QUEUED, 1, null, null);
        tasks.enqueueItem(run, spec, idx, 1, args);
    }
}
