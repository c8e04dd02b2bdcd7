package dev.griddle.server.engine;

import dev.griddle.server.expr.ExpressionException;
import dev.griddle.server.expr.Expressions;
import dev.griddle.server.replay.Tapes;
import dev.griddle.server.runner.InvalidStepArguments;
import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.step.StepOutcome;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves a locked run forward: asks the {@link Decider} what is next, starts ready steps (pure ones
 * inline, in this transaction; the rest as queued tasks), skips blocked ones, and ends the run.
 */
@Component
class Advancer {

    private final Expressions expressions;
    private final StepTasks tasks;
    private final ForEachSteps forEach;
    private final Finisher finisher;
    private final ApprovalStore approvals;
    private final ChildRuns children;
    private final RunTransactions transactions;
    private final RunContext contexts;
    private final TaskQueue queue;
    private final SessionSteps sessionSteps;
    private final ApprovalReplays approvalReplays;
    private final SessionReplays sessionReplays;

    Advancer(Expressions expressions, StepTasks tasks, ForEachSteps forEach, Finisher finisher, ApprovalStore approvals, ChildRuns children,
            RunTransactions transactions, RunContext contexts, TaskQueue queue, SessionSteps sessionSteps, ApprovalReplays approvalReplays,
            SessionReplays sessionReplays) {
        this.approvalReplays = approvalReplays;
        this.sessionReplays = sessionReplays;
        this.sessionSteps = sessionSteps;
        this.expressions = expressions;
        this.tasks = tasks;
        this.forEach = forEach;
        this.finisher = finisher;
        this.approvals = approvals;
        this.children = children;
        this.transactions = transactions;
        this.contexts = contexts;
        this.queue = queue;
    }

    void advance(RunTx run) {
        while (!run.status().terminal()) {
            Decider.Decision decision = Decider.decide(run.graph(), run.states(), run.stopping());
            for (String id : decision.blocked()) {
                run.step(id).skip(run, Decider.Skip.BLOCKED);
            }
            boolean progressed = !decision.blocked().isEmpty();
            for (String id : decision.ready()) {
                progressed |= start(run, id);
                if (run.status().terminal()) {
                    return;
                }
            }
            if (decision.outcome() != null && decision.ready().isEmpty()) {
                finisher.finish(run, decision.outcome(), run.error());
                return;
            }
            if (!progressed) {
                break;
            }
        }
        RunStatusRule.refresh(run);
    }

    /**
     * Starts one ready step; true when it reached a terminal state here (inline, skipped or failed).
     * A bad expression or rendered argument fails the step; any other exception is a fault.
     */
    private boolean start(RunTx run, String stepId) {
        StepSpec spec = effective(run, stepId);
        StepRow step = run.step(stepId);
        if (spec.disabled()) {
            step.skip(run, Decider.Skip.DISABLED);
            return true;
        }
        ObjectNode context = contexts.of(run, stepId);
        try {
            if (spec.condition() != null && !spec.condition().isBlank() && !expressions.test(spec.condition(), context)) {
                step.skip(run, Decider.Skip.CONDITION_FALSE);
                return true;
            }
            JsonNode with = spec.with() == null ? JsonNodeFactory.instance.objectNode() : spec.with();
            // how each type of step is carried out: inline, as an approval, a child run, or a task for an executor
            return switch (spec) {
                case StepSpec.Unusable unusable -> throw new InvalidStepArguments(unusable.problem());
                case StepSpec fanOut when fanOut.forEach() != null && !fanOut.forEach().isBlank() -> forEach.start(run, spec, step, context);
                case StepSpec.Transform transform -> {
                    JsonNode value = expressions.render(transform.value(), context);
                    step.start(run);
                    finisher.succeed(run, step, value);
                    yield true;
                }
                case StepSpec.Approval approval -> requestApproval(run, StepSpec.rendered(approval, expressions.render(with, context)), step);
                case StepSpec.ChildRun child -> {
                    StepSpec.ChildRun rendered = StepSpec.rendered(child, expressions.render(with, context));
                    step.startWaiting(run);
                    RunTx childRun = children.start(run, stepId, rendered);
                    advance(childRun);
                    transactions.flush(childRun);
                    yield false;
                }
                case StepSpec.SessionStep session -> {
                    StepSpec.SessionStep rendered = StepSpec.rendered(session, expressions.render(with, context));
                    step.startWaiting(run);
                    Tapes.Answer replayed = sessionReplays.replayed(run, stepId, step.attempt(),
                            SessionReplays.request(rendered.template(), rendered.prompt(), rendered.waitFor()));
                    if (replayed instanceof Tapes.Answer.Mismatch mismatch) {
                        finisher.fail(run, step, mismatch.message(), mismatch.details());
                        yield true;
                    }
                    if (replayed instanceof Tapes.Answer.Recorded recorded) {
                        sessionReplays.keep(run, stepId, step.attempt(), recorded.calls());
                        switch (SessionReplays.outcome(recorded.response())) {
                            case StepOutcome.Failed failed -> finisher.fail(run, step, failed.message(), failed.details());
                            default -> finisher.succeed(run, step, recorded.response());
                        }
                        yield true;
                    }
                    try {
                        UUID id = sessionSteps.start(run.row.orgId(), run.row.projectId(), run.id(), stepId, rendered.template(), rendered.prompt(),
                                rendered.waitFor(), rendered.kept());
                        run.madeOutside();
                        run.event("log", stepId, JsonNodeFactory.instance.objectNode().put("session_id", id.toString())
                                .put("message", "started session " + id));
                        if (rendered.timeoutMs() != null) {
                            ObjectNode deadline = JsonNodeFactory.instance.objectNode().put("session_id", id.toString())
                                    .put("timeout_ms", rendered.timeoutMs()).put("wait_for", rendered.waitFor()).put("keep", rendered.kept());
                            queue.enqueue(TaskRow.internal(run.row.orgId(), run.id(), stepId, step.attempt(), InternalKinds.SESSION_TIMEOUT,
                                    deadline, run.now.plusMillis(rendered.timeoutMs())), run.now, false);
                            run.tasksQueued();
                        }
                    } catch (IllegalArgumentException e) {
                        throw new InvalidStepArguments("session: " + e.getMessage());
                    }
                    yield false;
                }
                case StepSpec.Queued queued -> {
                    tasks.enqueueStep(run, queued, step, expressions.render(with, context));
                    yield false;
                }
            };
        } catch (ExpressionException | InvalidStepArguments e) {
            finisher.fail(run, step, e.getMessage(), null);
            return true;
        }
    }

    /**
     * {@code spec} is rendered. True when the step ended here: a replay answered it with its recorded
     * decision (issue #18), or a strict replay had none for this question.
     */
    private boolean requestApproval(RunTx run, StepSpec.Approval spec, StepRow step) {
        step.startWaiting(run);
        Tapes.Answer replayed = approvalReplays.replayed(run, spec.id(), step.attempt(), spec.message());
        if (replayed instanceof Tapes.Answer.Mismatch mismatch) {
            finisher.fail(run, step, mismatch.message(), mismatch.details());
            return true;
        }
        Instant expires = spec.timeoutMs() != null ? run.now.plusMillis(spec.timeoutMs()) : null;
        Approval approval = new Approval(UUID.randomUUID(), run.id(), run.row.runnerId(), spec.id(), "pending",
                spec.message(), null, null, null, run.now, null, expires);
        approvals.insert(run.row.orgId(), approval, spec.onTimeout().wire());
        run.madeOutside();
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("approval_id", approval.id().toString());
        data.put("message", approval.message());
        if (replayed instanceof Tapes.Answer.Recorded recorded) {
            run.event("approval_requested", spec.id(), data);
            completeReplayed(run, step, approval, recorded);
            return true;
        }
        if (expires != null) {
            data.put("expires_at", expires.toString());
            queue.enqueue(TaskRow.internal(run.row.orgId(), run.id(), spec.id(), step.attempt(), InternalKinds.APPROVAL_TIMEOUT, data, expires),
                    run.now, false);
            run.tasksQueued();
        }
        run.event("approval_requested", spec.id(), data);
        return false;
    }

    /** The recorded decision completes the approval at once, as the person (or the deadline) did in the recorded run. */
    private void completeReplayed(RunTx run, StepRow step, Approval approval, Tapes.Answer.Recorded recorded) {
        JsonNode decision = recorded.response();
        boolean approved = decision.path("approved").asBoolean();
        String comment = decision.path("comment").isString() ? decision.path("comment").asString() : null;
        JsonNode result = decision.path("result").isObject() ? decision.get("result") : null;
        boolean expired = "expired".equals(decision.path("status").asString());
        approvals.complete(approval.id(), expired ? "expired" : "completed", approved, comment, result, run.now);
        approvalReplays.keep(run, step.stepId, step.attempt(), recorded.calls());
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("approval_id", approval.id().toString()).put("approved", approved)
                .put("status", expired ? "expired" : "completed").put("replayed", true);
        run.event("approval_completed", step.stepId, data);
        finisher.succeed(run, step, ApprovalReplays.output(approved, comment, result, expired));
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
}
