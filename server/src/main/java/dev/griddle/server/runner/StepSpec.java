package dev.griddle.server.runner;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One step of a runner's graph, as published in an immutable version. {@code with} holds the
 * type's arguments, still containing their {@code {{ }}} templates.
 */
public record StepSpec(
        String id,
        String type,
        List<String> needs,
        @JsonProperty("if") String condition,
        JsonNode with,
        RetryPolicy retry,
        Long timeoutMs,
        List<String> runsOn,
        String forEach,
        Integer maxParallel,
        boolean disabled) {

    public StepSpec {
        needs = needs == null ? List.of() : List.copyOf(needs);
        runsOn = runsOn == null ? List.of() : List.copyOf(runsOn);
        retry = retry == null ? RetryPolicy.NONE : retry;
    }

    public StepSpec withArguments(JsonNode newWith) {
        return new StepSpec(id, type, needs, condition, newWith, retry, timeoutMs, runsOn, forEach, maxParallel, disabled);
    }
}
