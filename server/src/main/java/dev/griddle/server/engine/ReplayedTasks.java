package dev.griddle.server.engine;

import dev.griddle.server.step.StepOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #18: the work of a remote worker ({@code task} steps and steps with {@code runs_on}) in its
 * run's recording, kind {@code task}: the request is {@code {type, task_type, input}} with the input
 * as queued (secrets as their placeholders, never the values the worker is handed); the response
 * {@code {output}} for a completed task or {@code {error: {message, retryable, details}}} for a failed
 * one, so a replay fails and retries where the recorded run did.
 */
final class ReplayedTasks {

    static final String KIND = "task";

    private ReplayedTasks() {
    }

    /** Whether a step of this type and these labels is done by a remote worker (as the claim statements decide). */
    static boolean remote(String type, List<String> runsOn) {
        return "task".equals(type) || (runsOn != null && !runsOn.isEmpty());
    }

    static ObjectNode request(String type, String taskType, JsonNode input) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("type", type).put("task_type", taskType);
        request.set("input", input);
        return request;
    }

    static ObjectNode response(StepOutcome outcome) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        switch (outcome) {
            case StepOutcome.Done done -> response.set("output", done.output());
            case StepOutcome.Failed failed -> {
                ObjectNode error = response.putObject("error").put("message", failed.message()).put("retryable", failed.retryable());
                error.set("details", failed.details());
            }
            case StepOutcome.BudgetExceeded over -> response.putObject("error").put("message", over.reason()).put("retryable", false);
        }
        return response;
    }

    /** A recorded response as the step's outcome, with the replayed call in its trail. */
    static StepOutcome outcome(JsonNode response, List<StepOutcome.Call> calls) {
        StepOutcome.Trail trail = new StepOutcome.Trail(StepOutcome.Usage.NONE, List.of(), calls);
        JsonNode error = response.get("error");
        if (error != null && error.isObject()) {
            JsonNode details = error.get("details");
            return new StepOutcome.Failed(error.path("message").asString(), error.path("retryable").asBoolean(),
                    details == null || details.isNull() ? null : details, trail);
        }
        return new StepOutcome.Done(response.get("output"), trail);
    }

    /** What a {@link InternalKinds#REPLAYED_TASK} carries: the task as it would have been queued for a worker. */
    static ObjectNode wrap(String kind, String taskType, List<String> runsOn, Long timeoutMs, JsonNode input) {
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode().put("kind", kind).put("task_type", taskType).put("timeout_ms", timeoutMs);
        runsOn.forEach(wrapped.putArray("runs_on")::add);
        wrapped.set("input", input);
        return wrapped;
    }

    /** The request of a wrapped task. */
    static ObjectNode request(TaskRow replayed) {
        JsonNode w = replayed.input();
        return request(w.path("kind").asString(), w.path("task_type").asString(), w.get("input"));
    }

    /** The wrapped task as a worker's (fallthrough: no recorded answer, so it goes out live). */
    static TaskRow unwrap(TaskRow replayed) {
        JsonNode w = replayed.input();
        List<String> runsOn = new ArrayList<>();
        w.path("runs_on").forEach(label -> runsOn.add(label.asString()));
        Long timeout = w.path("timeout_ms").isNumber() ? w.path("timeout_ms").asLong() : null;
        return new TaskRow(UUID.randomUUID(), replayed.orgId(), replayed.runId(), replayed.stepId(), replayed.itemIndex(), replayed.attempt(),
                w.path("kind").asString(), w.path("task_type").asString(), runsOn, w.get("input"), timeout, replayed.readyAt(), null, null, null);
    }
}
