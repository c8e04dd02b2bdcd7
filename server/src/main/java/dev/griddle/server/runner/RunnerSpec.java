package dev.griddle.server.runner;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** The content of an immutable runner version: what a run executes. */
public record RunnerSpec(List<StepSpec> steps, JsonNode output, JsonNode inputSchema, String defaultModel) {

    public RunnerSpec {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }
}
