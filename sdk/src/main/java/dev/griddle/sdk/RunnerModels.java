package dev.griddle.sdk;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Runners (headless pipelines), their steps, validation results and versions. Free-form fields are JSON trees. */
public final class RunnerModels {

    private RunnerModels() {
    }

    /** A runner and its draft graph. {@code valid}: whether the draft would publish; {@code latestVersion}: null until published. */
    public record Runner(UUID id, String name, String description, String defaultModel, JsonNode inputSchema, UUID projectId,
            List<Step> steps, JsonNode output, Integer latestVersion, boolean valid, Instant createdAt, Instant updatedAt) {
    }

    /** Create (name required) and update (only the fields given change) body. */
    public record RunnerInput(String name, String description, String defaultModel, JsonNode inputSchema, UUID projectId,
            List<Step> steps, JsonNode output) {

        public static RunnerInput named(String name) {
            return new RunnerInput(name, null, null, null, null, null, null);
        }

        public RunnerInput withSteps(List<Step> newSteps) {
            return new RunnerInput(name, description, defaultModel, inputSchema, projectId, newSteps, output);
        }

        public RunnerInput withOutput(JsonNode newOutput) {
            return new RunnerInput(name, description, defaultModel, inputSchema, projectId, steps, newOutput);
        }

        public RunnerInput withInputSchema(JsonNode schema) {
            return new RunnerInput(name, description, defaultModel, schema, projectId, steps, output);
        }

        public RunnerInput inProject(UUID project) {
            return new RunnerInput(name, description, defaultModel, inputSchema, project, steps, output);
        }
    }

    /** One step of the graph; {@code condition} is the JSON field {@code if}. */
    public record Step(String id, String type, List<String> needs, @JsonProperty("if") String condition, JsonNode with, Retry retry,
            Long timeoutMs, List<String> runsOn, String forEach, Integer maxParallel, Boolean disabled) {

        public static Step of(String id, String type, JsonNode with) {
            return new Step(id, type, null, null, with, null, null, null, null, null, null);
        }

        public Step needing(String... ids) {
            return new Step(id, type, List.of(ids), condition, with, retry, timeoutMs, runsOn, forEach, maxParallel, disabled);
        }

        public Step when(String cel) {
            return new Step(id, type, needs, cel, with, retry, timeoutMs, runsOn, forEach, maxParallel, disabled);
        }
    }

    /** {@code backoff}: exponential or fixed. */
    public record Retry(Integer maxAttempts, String backoff, Long initialIntervalMs, Long maxIntervalMs) {
    }

    public record ValidationResult(boolean valid, List<ValidationError> errors) {
    }

    /** {@code stepId} is null for problems outside steps; {@code path} like {@code steps[2].with.url}. */
    public record ValidationError(String stepId, String path, String message) {
    }

    /** An immutable published version. */
    public record RunnerVersion(UUID runnerId, int version, String name, List<Step> steps, JsonNode output, JsonNode inputSchema,
            String defaultModel, Instant createdAt) {
    }
}
