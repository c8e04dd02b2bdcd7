package dev.griddle.server.runner;

/**
 * One problem with a runner draft. {@code stepId} is null for runner-level problems; {@code path}
 * locates the value, like {@code steps[2].with.url} or {@code input_schema.properties}.
 */
public record ValidationError(String stepId, String path, String message) {
}
