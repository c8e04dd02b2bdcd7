package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.expr.ExpressionException;
import dev.griddle.server.expr.Expressions;
import dev.griddle.server.runner.StepSpec;
import java.util.HashSet;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Ends steps and runs, with what ending them implies: a step's output is held to its size limit;
 * a failed step fails fast (what runs is cancelled, what depends on it blocked, the run ends); a
 * called-off step's queued work, approval or child run is withdrawn; a finished run withdraws
 * everything it still has and tells its parent.
 */
@Component
class Finisher {

    private final TaskQueue queue;
    private final Wakeups wakeups;
    private final ApprovalStore approvals;
    private final ChildRuns children;
    private final Expressions expressions;
    private final RunContext contexts;
    private final JsonMapper json;
    private final long maxOutputBytes;
    private final SessionSteps sessionSteps;

    Finisher(TaskQueue queue, Wakeups wakeups, ApprovalStore approvals, ChildRuns children, Expressions expressions, RunContext contexts,
            JsonMapper json, GriddleProperties props, SessionSteps sessionSteps) {
        this.sessionSteps = sessionSteps;
        this.queue = queue;
        this.wakeups = wakeups;
        this.approvals = approvals;
        this.children = children;
        this.expressions = expressions;
        this.contexts = contexts;
        this.json = json;
        this.maxOutputBytes = props.engine().maxStepOutput().toBytes();
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
        step.succeed(run, value, bytes);
    }

    /** Fails the step for good, then fail-fast: cancel what runs, block what depends on it, end the run. */
    void fail(RunTx run, StepRow step, String message, JsonNode details) {
        ObjectNode error = StepRow.error(message, details);
        step.fail(run, error);
        Decider.FailFast ff = Decider.failFast(run.graph(), run.states(), step.stepId);
        for (String id : ff.cancel()) {
            cancelActive(run, run.step(id), "run_failed", step.stepId);
        }
        for (String id : ff.blocked()) {
            run.step(id).skip(run, Decider.Skip.BLOCKED);
        }
        for (String id : ff.neverStarted()) {
            run.step(id).cancel(run, "run_failed", step.stepId);
        }
        finish(run, RunStatus.FAILED, error.deepCopy().put("step_id", step.stepId));
    }

    /** Stops a started step: its queued work is withdrawn, its approval or child run called off. */
    void cancelActive(RunTx run, StepRow step, String reason, String causedBy) {
        queue.deleteForStep(run.id(), step.stepId);
        wakeups.tasksWithdrawn(run.id());
        if (step.status() == StepStatus.WAITING) {
            children.cancelChildOf(run, step.stepId);
        }
        step.cancel(run, reason, causedBy);
    }

    /** Cancels the run now: every started step is stopped, every pending one cancelled. */
    void cancelNow(RunTx run, String reason) {
        if (run.status().terminal()) {
            return;
        }
        for (StepRow step : run.steps.values()) {
            if (step.status().active()) {
                cancelActive(run, step, reason, null);
            } else if (step.status() == StepStatus.PENDING) {
                step.cancel(run, reason, null);
            }
        }
        finish(run, RunStatus.CANCELLED, run.error());
    }

    /**
     * Ends the run as {@code outcome} (with {@code error} unless it succeeded): a succeeded run's
     * output is rendered (a bad output template fails it), what it still has queued, waiting or
     * running elsewhere is withdrawn, and a child run reports to its parent.
     */
    void finish(RunTx run, RunStatus outcome, JsonNode error) {
        JsonNode output = null;
        if (outcome == RunStatus.SUCCEEDED) {
            try {
                output = runOutput(run);
            } catch (ExpressionException e) {
                error = StepRow.error("output template: " + e.getMessage(), null);
                outcome = RunStatus.FAILED;
            }
        }
        if (outcome == RunStatus.CANCELLED) {
            // a graceful cancel ends with steps that never started: they are cancelled, not left pending
            for (StepRow step : run.steps.values()) {
                if (step.status() == StepStatus.PENDING) {
                    step.cancel(run, "run_cancelled", null);
                }
            }
        }
        run.finish(outcome, output, error);
        if (!run.selfContained()) {
            queue.deleteForRun(run.id());
            wakeups.tasksWithdrawn(run.id());
            if (run.graphHas(StepSpec.Approval.class)) { // only approval steps open approvals, only runner steps start children
                approvals.cancelPending(run.id(), run.now);
            }
            if (run.graphHas(StepSpec.ChildRun.class)) {
                children.cancelAllOf(run);
            }
            if (run.graphHas(StepSpec.SessionStep.class)) {
                sessionSteps.endForRun(run.row.orgId(), run.id(), outcome == RunStatus.CANCELLED);
            }
        }
        children.reportToParent(run);
    }

    private JsonNode runOutput(RunTx run) {
        JsonNode template = run.runner.spec().output();
        if (template != null && !template.isNull()) {
            return expressions.render(template, contexts.of(run, null));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Set<String> needed = new HashSet<>();
        run.graph().forEach(s -> needed.addAll(s.needs()));
        for (StepSpec s : run.graph()) {
            if (!needed.contains(s.id())) {
                StepRow row = run.step(s.id());
                out.set(s.id(), row.output() == null ? JsonNodeFactory.instance.nullNode() : row.output());
            }
        }
        return out;
    }
}
