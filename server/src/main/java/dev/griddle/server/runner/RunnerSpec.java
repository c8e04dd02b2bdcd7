package dev.griddle.server.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The content of an immutable runner version, its steps typed: what a run executes. It serializes as {@link Stored}. */
public record RunnerSpec(List<StepSpec> steps, JsonNode output, JsonNode inputSchema, String defaultModel,
        @JsonInclude(JsonInclude.Include.NON_NULL) String recording, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> redact) {

    public RunnerSpec {
        steps = steps == null ? List.of() : List.copyOf(steps);
        redact = redact == null ? List.of() : List.copyOf(redact);
    }

    public RunnerSpec(List<StepSpec> steps, JsonNode output, JsonNode inputSchema, String defaultModel) {
        this(steps, output, inputSchema, defaultModel, null, List.of());
    }

    /**
     * The content as {@code runner_versions.spec} stores it and the spec hash covers: the same JSON as every version so far
     * ({@code recording} and {@code redact} only when set, so versions from before them hash as they did).
     */
    record Stored(List<StoredStep> steps, JsonNode output, JsonNode inputSchema, String defaultModel,
            @JsonInclude(JsonInclude.Include.NON_NULL) String recording, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> redact) {

        Stored {
            steps = steps == null ? List.of() : List.copyOf(steps);
        }

        /** Typed; an {@code output} or {@code input_schema} stored as JSON null is absent. */
        RunnerSpec typed() {
            return new RunnerSpec(steps.stream().map(StoredStep::toSpec).toList(), absentIfNull(output), absentIfNull(inputSchema), defaultModel, recording, redact);
        }

        private static JsonNode absentIfNull(JsonNode node) {
            return node == null || node.isNull() || node.isMissingNode() ? null : node;
        }
    }
}
