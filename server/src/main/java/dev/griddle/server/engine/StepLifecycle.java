package dev.griddle.server.engine;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The terminal transitions of a step and the events they append, shared by every path that ends a step. */
final class StepLifecycle {

    private static final int EVENT_OUTPUT_LIMIT = 16 * 1024;

    private StepLifecycle() {
    }

    static void started(RunTx run, StepRow step, int attempt) {
        if (step.status == StepStatus.RUNNING) {
            return;
        }
        step.status = StepStatus.RUNNING;
        if (step.startedAt == null) {
            step.startedAt = run.now;
        }
        step.dirty = true;
        run.event("step_started", step.stepId, JsonNodeFactory.instance.objectNode().put("attempt", attempt));
    }

    static void succeeded(RunTx run, StepRow step, JsonNode output, int outputBytes) {
        step.status = StepStatus.SUCCEEDED;
        step.output = output;
        step.error = null;
        step.finishedAt = run.now;
        if (step.startedAt == null) {
            step.startedAt = run.now;
        }
        step.dirty = true;
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("attempt", step.attempt);
        if (outputBytes <= EVENT_OUTPUT_LIMIT) {
            data.set("output", output);
        } else {
            data.put("output_truncated", true).put("output_bytes", outputBytes);
        }
        run.event("step_completed", step.stepId, data);
    }

    static void skipped(RunTx run, StepRow step, String reason) {
        step.status = StepStatus.SKIPPED;
        step.skipReason = reason;
        step.finishedAt = run.now;
        step.dirty = true;
        run.event("step_completed", step.stepId, JsonNodeFactory.instance.objectNode().put("skipped", true).put("reason", reason));
    }

    static void failed(RunTx run, StepRow step, JsonNode error) {
        step.status = StepStatus.FAILED;
        step.error = error;
        step.finishedAt = run.now;
        step.dirty = true;
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("attempt", step.attempt);
        data.set("error", error);
        run.event("step_failed", step.stepId, data);
    }

    static void cancelled(RunTx run, StepRow step, String reason, String causedBy) {
        step.status = StepStatus.CANCELLED;
        step.finishedAt = run.now;
        step.dirty = true;
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("reason", reason);
        if (causedBy != null) {
            data.put("caused_by_step_id", causedBy);
        }
        run.event("step_cancelled", step.stepId, data);
    }

    static ObjectNode error(String message, JsonNode details) {
        ObjectNode error = JsonNodeFactory.instance.objectNode().put("message", message);
        if (details != null) {
            error.set("details", details);
        }
        return error;
    }
}
