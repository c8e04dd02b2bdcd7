package dev.griddle.server.engine;

import dev.griddle.server.replay.Tapes;
import dev.griddle.server.step.StepOutcome;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs the task kinds the engine handles itself ({@link InternalKinds}), each in one transaction on
 * its run: load (release the task; a lost lease changes nothing), decide what it means, apply.
 */
@Component
class InternalTasks {

    private final RunTransactions transactions;
    private final TaskQueue queue;
    private final Completer completer;
    private final ApprovalStore approvals;
    private final Advancer advancer;
    private final Finisher finisher;
    private final SessionSteps sessionSteps;

    private final ApprovalReplays approvalReplays;
    private final Tapes tapes;
    private final SessionReplays sessionReplays;

    InternalTasks(RunTransactions transactions, TaskQueue queue, Completer completer, ApprovalStore approvals, Advancer advancer,
            Finisher finisher, SessionSteps sessionSteps, ApprovalReplays approvalReplays, Tapes tapes, SessionReplays sessionReplays) {
        this.sessionReplays = sessionReplays;
        this.sessionSteps = sessionSteps;
        this.approvalReplays = approvalReplays;
        this.tapes = tapes;
        this.transactions = transactions;
        this.queue = queue;
        this.completer = completer;
        this.approvals = approvals;
        this.advancer = advancer;
        this.finisher = finisher;
    }

    void run(TaskRow task) {
        switch (task.kind()) {
            case InternalKinds.WAIT -> {
                if (completer.markStarted(task)) {
                    completer.complete(task, task.leaseToken(), StepOutcome.done(JsonNodeFactory.instance.objectNode()));
                }
            }
            case InternalKinds.CHILD_FINISHED -> childFinished(task);
            case InternalKinds.SESSION_REACHED -> sessionReached(task);
            case InternalKinds.SESSION_TIMEOUT -> sessionTimedOut(task);
            case InternalKinds.APPROVAL_TIMEOUT -> approvalTimedOut(task);
            case InternalKinds.REPLAYED_TASK -> replayedTask(task);
            case InternalKinds.CANCEL_RUN -> transactions.inRun(task.runId(), run -> {
                if (queue.release(task.id(), task.leaseToken())) {
                    finisher.cancelNow(run, "parent_cancelled");
                }
                return null;
            });
            default -> throw new IllegalStateException("not an internal task kind: " + task.kind());
        }
    }

    /**
     * Issue #18: a worker's task on a replay. The recording's answer (or a strict replay's mismatch) is
     * the attempt's outcome, no worker involved; without one (fallthrough) the task is queued for a
     * worker as in a live run, the step still queued.
     */
    private void replayedTask(TaskRow task) {
        Tapes.Answer answer = tapes.answer(task.orgId(), task.runId(), task.stepId(), task.itemIndex(), task.attempt(), ReplayedTasks.KIND,
                ReplayedTasks.request(task));
        StepOutcome outcome = switch (answer) {
            case Tapes.Answer.Recorded recorded -> ReplayedTasks.outcome(recorded.response(), recorded.calls());
            case Tapes.Answer.Mismatch mismatch -> new StepOutcome.Failed(mismatch.message(), false, mismatch.details());
            case Tapes.Answer.Live live -> null;
        };
        if (outcome == null) {
            transactions.inRun(task.runId(), run -> {
                if (queue.release(task.id(), task.leaseToken()) && !run.status().terminal()) {
                    queue.enqueue(ReplayedTasks.unwrap(task), run.now, run.status().paused());
                    run.tasksQueued();
                }
                return null;
            });
        } else if (completer.markStarted(task)) {
            completer.complete(task, task.leaseToken(), outcome);
        } else {
            queue.release(task.id(), task.leaseToken()); // the run or step was called off meanwhile
        }
    }

    /** A session step's session exited or went idle: its last output and exit code are the step's output; a failed session fails it. */
    private void sessionReached(TaskRow task) {
        ObjectNode result = (ObjectNode) task.input().deepCopy();
        JsonNode request = result.remove(SessionReplays.REQUEST_FIELD);
        StepOutcome outcome = SessionReplays.outcome(result);
        transactions.inRun(task.runId(), run -> {
            if (!queue.release(task.id(), task.leaseToken())) {
                return null;
            }
            StepRow step = run.step(task.stepId());
            if (step != null && step.status() == StepStatus.WAITING) {
                if (request != null && request.isObject()) {
                    sessionReplays.record(run, step, request, result);
                }
                completer.apply(run, task, outcome);
            }
            return null;
        });
    }

    /**
     * A session step's deadline: when the step still waits, it fails naming the session and what it
     * did not reach, and (unless {@code keep}) the session is ended; a session that already reached
     * it changed the step first, so this changes nothing.
     */
    private void sessionTimedOut(TaskRow task) {
        JsonNode deadline = task.input();
        String sessionId = deadline.path("session_id").asString();
        boolean timedOut = Boolean.TRUE.equals(transactions.inRun(task.runId(), run -> {
            if (!queue.release(task.id(), task.leaseToken())) {
                return false;
            }
            StepRow step = run.step(task.stepId());
            if (step == null || step.status() != StepStatus.WAITING || step.attempt() != task.attempt()) {
                return false;
            }
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("session_id", sessionId).put("timed_out", true);
            completer.apply(run, task, new StepOutcome.Failed("session " + sessionId + " did not reach wait_for '"
                    + deadline.path("wait_for").asString("exit") + "' within timeout_ms " + deadline.path("timeout_ms").asLong(), false, data));
            return true;
        }));
        if (timedOut && !deadline.path("keep").asBoolean(false)) {
            sessionSteps.endTimedOut(task.orgId(), java.util.UUID.fromString(sessionId));
        }
    }

    /** The child's end is the outcome of the parent's waiting step: its output, or a failure naming the child. */
    private void childFinished(TaskRow task) {
        JsonNode result = task.input();
        String status = result.path("status").asString();
        StepOutcome outcome = "succeeded".equals(status)
                ? StepOutcome.done(result.get("output"))
                : new StepOutcome.Failed("child run " + result.path("child_run_id").asString() + " " + status
                        + (result.path("error").hasNonNull("message") ? ": " + result.path("error").path("message").asString() : ""), false,
                        result);
        transactions.inRun(task.runId(), run -> {
            if (!queue.release(task.id(), task.leaseToken())) {
                return null;
            }
            StepRow step = run.step(task.stepId());
            if (step != null && step.status() == StepStatus.WAITING) {
                completer.apply(run, task, outcome);
            }
            return null;
        });
    }

    /** A pending approval's deadline: it expires, approved or rejected as its {@code on_timeout} says, and the step succeeds with that. */
    private void approvalTimedOut(TaskRow task) {
        transactions.inRun(task.runId(), run -> {
            if (!queue.release(task.id(), task.leaseToken())) {
                return null;
            }
            StepRow step = run.step(task.stepId());
            Approval approval = approvals.forStep(run.id(), task.stepId()).orElse(null);
            if (approval == null || !"pending".equals(approval.status()) || step == null || step.status() != StepStatus.WAITING) {
                return null;
            }
            boolean approved = "approve".equals(approvals.onTimeout(approval.id()));
            approvals.complete(approval.id(), "expired", approved, null, null, run.now);
            approvalReplays.record(run, approval, step.attempt(), "expired", approved, null, null, null);
            ObjectNode output = ApprovalReplays.output(approved, null, null, true);
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("approval_id", approval.id().toString()).put("approved", approved)
                    .put("status", "expired");
            run.event("approval_completed", step.stepId, data);
            finisher.succeed(run, step, output);
            advancer.advance(run);
            return null;
        });
    }
}
