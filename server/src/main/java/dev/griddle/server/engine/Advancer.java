package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.expr.ExpressionException;
import dev.griddle.server.expr.Expressions;
import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.secret.SecretUse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves a locked run forward: asks the {@link Decider} what is next, starts ready steps (pure ones
 * inline, in this transaction; the rest as queued tasks), skips blocked ones, and ends the run.
 */
@Component
class Advancer {

    /** The most items one for_each may fan out to. */
    private static final int MAX_ITEMS = 10_000;

    private final Expressions expressions;
    private final TaskQueue queue;
    private final StepRunStore stepRuns;
    private final ApprovalStore approvals;
    private final ChildRuns children;
    private final Wakeups wakeups;
    private final JsonMapper json;
    private final OrgSecrets secrets;
    private final long maxOutputBytes;
    private final ItemBudget budget;
    private final ItemRetry itemRetry;

    Advancer(Expressions expressions, TaskQueue queue, StepRunStore stepRuns, ApprovalStore approvals, ChildRuns children, Wakeups wakeups,
            JsonMapper json, GriddleProperties props, OrgSecrets secrets, ItemBudget budget,
            ItemRetry itemRetry) {
        this.itemRetry = itemRetry;
        this.secrets = secrets;
        this.budget = budget;
        this.expressions = expressions;
        this.queue = queue;
        this.stepRuns = stepRuns;
        this.approvals = approvals;
        this.children = children;
        this.wakeups = wakeups;
        this.json = json;
        this.maxOutputBytes = props.engine().maxStepOutput().toBytes();
    }

    void advance(RunTx run) {
        while (!run.status.terminal()) {
            Decider.Decision decision = Decider.decide(run.graph(), run.states(), run.stopping());
            for (String id : decision.blocked()) {
                StepLifecycle.skipped(run, run.step(id), Decider.Skip.BLOCKED);
            }
            boolean progressed = !decision.blocked().isEmpty();
            for (String id : decision.ready()) {
                progressed |= start(run, id);
                if (run.status.terminal()) {
                    return;
                }
            }
            if (decision.outcome() != null && decision.ready().isEmpty()) {
                finish(run, decision.outcome());
                return;
            }
            if (!progressed) {
                break;
            }
        }
        RunStatusRule.refresh(run);
    }

    /** Starts one ready step; true when it reached a terminal state here (inline, skipped or failed). */
    private boolean start(RunTx run, String stepId) {
        StepSpec spec = effective(run, stepId);
        StepRow step = run.step(stepId);
        if (spec.disabled()) {
            StepLifecycle.skipped(run, step, Decider.Skip.DISABLED);
            return true;
        }
        ObjectNode context = context(run, stepId);
        try {
            if (spec.condition() != null && !spec.condition().isBlank() && !expressions.test(spec.condition(), context)) {
                StepLifecycle.skipped(run, step, Decider.Skip.CONDITION_FALSE);
                return true;
            }
            JsonNode with = spec.with() == null ? JsonNodeFactory.instance.objectNode() : spec.with();
            // how each type of step is carried out: inline, as an approval, a child run, or a task for an executor
            return switch (spec) {
                case StepSpec.Unusable unusable -> throw new IllegalArgumentException(unusable.problem());
                case StepSpec fanOut when fanOut.forEach() != null && !fanOut.forEach().isBlank() -> startForEach(run, spec, step, context);
                case StepSpec.Transform transform -> {
                    JsonNode value = expressions.render(transform.value(), context);
                    step.attempt++;
                    StepLifecycle.started(run, step, step.attempt);
                    succeed(run, step, value);
                    yield true;
                }
                case StepSpec.Approval approval -> {
                    requestApproval(run, StepSpec.rendered(approval, expressions.render(with, context)), step);
                    yield false;
                }
                case StepSpec.ChildRun child -> {
                    StepSpec.ChildRun rendered = StepSpec.rendered(child, expressions.render(with, context));
                    step.attempt++;
                    StepLifecycle.started(run, step, step.attempt);
                    step.status = StepStatus.WAITING;
                    children.start(run, stepId, rendered);
                    yield false;
                }
                case StepSpec.Queued queued -> {
                    JsonNode args = expressions.render(with, context);
                    enqueue(run, queued, step, -1, step.attempt + 1, args, readyAt(run, queued, args));
                    step.attempt++;
                    yield false;
                }
            };
        } catch (ExpressionException | IllegalArgumentException e) {
            fail(run, step, e.getMessage(), null);
            return true;
        }
    }

    private boolean startForEach(RunTx run, StepSpec spec, StepRow step, ObjectNode context) {
        JsonNode list = expressions.evaluate(spec.forEach(), context);
        if (!list.isArray()) {
            throw new IllegalArgumentException("for_each '" + spec.forEach() + "' must evaluate to a list, got " + list.getNodeType());
        }
        if (list.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("for_each '" + spec.forEach() + "' has " + list.size() + " items; the limit is " + MAX_ITEMS);
        }
        boolean again = step.attempt > 0; // started before: a run retry
        step.attempt = 1;
        step.items = list.size();
        StepLifecycle.started(run, step, 1);
        JsonNode with = spec.with() == null ? JsonNodeFactory.instance.objectNode() : spec.with();
        if (list.isEmpty()) {
            succeed(run, step, JsonNodeFactory.instance.arrayNode());
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
            succeed(run, step, outputs);
            return true;
        }
        if (!(spec instanceof StepSpec.Queued)) {
            throw new IllegalArgumentException("for_each is not supported on " + spec.type() + " steps");
        }
        List<JsonNode> items = new ArrayList<>();
        list.forEach(items::add);
        if (again && itemRetry.keepSucceeded(run.id(), spec.id(), items.size())) {
            return resumeItems(run, spec, step, context);
        }
        stepRuns.insertItems(run.id(), spec.id(), items);
        int parallel = Math.min(budget.parallel(spec.maxParallel()), items.size());
        for (int i = 0; i < parallel; i++) {
            enqueueItem(run, spec, i, items.get(i), 1, context);
        }
        return false;
    }

    /** A retried for_each: its succeeded items are kept, the others queued again up to max_parallel. */
    private boolean resumeItems(RunTx run, StepSpec spec, StepRow step, ObjectNode context) {
        List<StepRunStore.Item> next = stepRuns.pendingItems(run.id(), spec.id(), budget.parallel(spec.maxParallel()));
        if (next.isEmpty()) {
            String over = budget.outputsTooLarge(run.id(), spec.id());
            if (over != null) {
                throw new IllegalArgumentException(over);
            }
            succeed(run, step, stepRuns.itemOutputs(run.id(), spec.id()));
            return true;
        }
        for (StepRunStore.Item item : next) {
            enqueueItem(run, spec, item.idx(), item.item(), 1, context);
        }
        return false;
    }

    void enqueueItem(RunTx run, StepSpec spec, int idx, JsonNode item, int attempt, ObjectNode context) {
        JsonNode with = spec.with() == null ? JsonNodeFactory.instance.objectNode() : spec.with();
        JsonNode args = expressions.render(with, RunContext.withItem(context, item));
        stepRuns.updateItem(run.id(), spec.id(), idx, StepStatus.QUEUED, attempt, null, null);
        enqueue(run, spec, run.step(spec.id()), idx, attempt, args, readyAt(run, spec, args));
    }

    void enqueue(RunTx run, StepSpec spec, StepRow step, int itemIndex, int attempt, JsonNode args, Instant readyAt) {
        StepSpec.Task task = spec instanceof StepSpec.Task t ? StepSpec.rendered(t, args) : null;
        String taskType = task != null ? task.taskType() : spec.type();
        JsonNode input = task != null ? task.input() : args;
        queue.enqueue(new TaskRow(UUID.randomUUID(), run.row.orgId(), run.id(), spec.id(), itemIndex, attempt, spec.type(), taskType,
                spec.runsOn(), input.isMissingNode() ? JsonNodeFactory.instance.objectNode() : input, spec.timeoutMs(), readyAt,
                null, null, null), run.now, run.status.paused());
        if (step.status == StepStatus.PENDING) {
            step.status = StepStatus.QUEUED;
            step.dirty = true;
        }
        run.tasksEnqueued = true;
    }

    private static Instant readyAt(RunTx run, StepSpec spec, JsonNode args) {
        return spec instanceof StepSpec.Wait wait ? StepSpec.rendered(wait, args).readyAt(run.now) : run.now;
    }

    /** {@code spec} is rendered. */
    private void requestApproval(RunTx run, StepSpec.Approval spec, StepRow step) {
        step.attempt++;
        StepLifecycle.started(run, step, step.attempt);
        step.status = StepStatus.WAITING;
        Instant expires = spec.timeoutMs() != null ? run.now.plusMillis(spec.timeoutMs()) : null;
        Approval approval = new Approval(UUID.randomUUID(), run.id(), run.row.runnerId(), spec.id(), "pending",
                spec.message(), null, null, null, run.now, null, expires);
        approvals.insert(run.row.orgId(), approval, spec.onTimeout().wire());
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("approval_id", approval.id().toString());
        data.put("message", approval.message());
        if (expires != null) {
            data.put("expires_at", expires.toString());
            queue.enqueue(new TaskRow(UUID.randomUUID(), run.row.orgId(), run.id(), spec.id(), -1, step.attempt, InternalKinds.APPROVAL_TIMEOUT,
                    InternalKinds.APPROVAL_TIMEOUT, List.of(), data, null, expires, null, null, null), run.now, false);
            run.tasksEnqueued = true;
        }
        run.event("approval_requested", spec.id(), data);
    }

    /**
     * The expression context of one step of the run (null: the run's output); {@code secrets} holds
     * placeholders bound to that step, for the secrets available to the run's project, never values.
     */
    ObjectNode context(RunTx run, String stepId) {
        return RunContext.of(run, secrets.placeholders(SecretUse.step(run.row.orgId(), run.row.projectId(), run.id(), stepId == null ? "" : stepId)));
    }

    /** The step's spec with this run's {@code step_overrides} merged into {@code with}. */
    StepSpec effective(RunTx run, String stepId) {
        StepSpec spec = run.specs.get(stepId);
        JsonNode override = run.row.stepOverrides() == null ? null : run.row.stepOverrides().path(stepId).get("with");
        if (override == null || !override.isObject()) {
            return spec;
        }
        ObjectNode merged = spec.with() != null && spec.with().isObject() ? (ObjectNode) spec.with().deepCopy() : JsonNodeFactory.instance.objectNode();
        override.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        return spec.withArguments(merged);
    }

    /** Succeeds the step, or fails it when the output is over the size limit. */
    void succeed(RunTx run, StepRow step, JsonNode output) {
        JsonNode value = output == null ? JsonNodeFactory.instance.objectNode() : output;
        int bytes = json.writeValueAsBytes(value).length;
        if (bytes > maxOutputBytes) {
            fail(run, step, "step output is " + bytes + " bytes, over the limit of " + maxOutputBytes
                    + " bytes (griddle.engine.max-step-output)", null);
            return;
        }
        StepLifecycle.succeeded(run, step, value, bytes);
    }

    /** Fails the step for good, then fail-fast: cancel what runs, block what depends on it, end the run. */
    void fail(RunTx run, StepRow step, String message, JsonNode details) {
        ObjectNode error = StepLifecycle.error(message, details);
        StepLifecycle.failed(run, step, error);
        Decider.FailFast ff = Decider.failFast(run.graph(), run.states(), step.stepId);
        for (String id : ff.cancel()) {
            cancelActive(run, run.step(id), "run_failed", step.stepId);
        }
        for (String id : ff.blocked()) {
            StepLifecycle.skipped(run, run.step(id), Decider.Skip.BLOCKED);
        }
        for (String id : ff.neverStarted()) {
            StepLifecycle.cancelled(run, run.step(id), "run_failed", step.stepId);
        }
        ObjectNode runError = error.deepCopy().put("step_id", step.stepId);
        run.error = runError;
        finish(run, RunStatus.FAILED);
    }

    /** Stops a started step: its queued work is withdrawn, its approval or child run called off. */
    void cancelActive(RunTx run, StepRow step, String reason, String causedBy) {
        queue.deleteForStep(run.id(), step.stepId);
        wakeups.tasksWithdrawn(run.id());
        if (step.status == StepStatus.WAITING) {
            children.cancelChildOf(run, step.stepId);
        }
        StepLifecycle.cancelled(run, step, reason, causedBy);
    }

    void finish(RunTx run, RunStatus outcome) {
        JsonNode output = null;
        if (outcome == RunStatus.SUCCEEDED) {
            try {
                output = runOutput(run);
            } catch (ExpressionException e) {
                run.error = StepLifecycle.error("output template: " + e.getMessage(), null);
                outcome = RunStatus.FAILED;
            }
        }
        if (outcome == RunStatus.CANCELLED) {
            // a graceful cancel ends with steps that never started: they are cancelled, not left pending
            for (StepRow step : run.steps.values()) {
                if (step.status == StepStatus.PENDING) {
                    StepLifecycle.cancelled(run, step, "run_cancelled", null);
                }
            }
        }
        run.finish(outcome, output, outcome == RunStatus.SUCCEEDED ? null : run.error);
        queue.deleteForRun(run.id());
        wakeups.tasksWithdrawn(run.id());
        approvals.cancelPending(run.id(), run.now);
        children.cancelAllOf(run);
        children.reportToParent(run);
    }

    private JsonNode runOutput(RunTx run) {
        JsonNode template = run.runner.spec().output();
        if (template != null && !template.isNull()) {
            return expressions.render(template, context(run, null));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        java.util.Set<String> needed = new java.util.HashSet<>();
        run.graph().forEach(s -> needed.addAll(s.needs()));
        for (StepSpec s : run.graph()) {
            if (!needed.contains(s.id())) {
                StepRow row = run.step(s.id());
                out.set(s.id(), row.output == null ? JsonNodeFactory.instance.nullNode() : row.output);
            }
        }
        return out;
    }
}
