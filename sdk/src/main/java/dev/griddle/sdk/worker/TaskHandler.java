package dev.griddle.sdk.worker;

import tools.jackson.databind.JsonNode;

/**
 * Does one task type. Runs on its own virtual thread; returns the task's output. Throw
 * {@link TaskFailure} to fail it; an interrupt means the task was called off (lease lost or the
 * worker is shutting down past its drain timeout) and its result will not be reported.
 */
@FunctionalInterface
public interface TaskHandler {
    JsonNode handle(JsonNode input, TaskContext context) throws Exception;
}
