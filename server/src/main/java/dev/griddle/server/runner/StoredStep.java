package dev.griddle.server.runner;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One step as a version stores it in {@code runner_versions.spec}: the JSON every version has had
 * so far, and what the spec hash covers. {@code with} holds the type's arguments with their
 * {@code {{ }}} templates. {@link #toSpec()} types it.
 */
public record StoredStep(
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

    public StoredStep {
        StepCommon defaults = new StepCommon(id, needs, condition, retry, timeoutMs, runsOn, forEach, maxParallel, disabled);
        needs = defaults.needs();
        runsOn = defaults.runsOn();
        retry = defaults.retry();
    }

    static StoredStep of(String type, StepCommon c, JsonNode with) {
        return new StoredStep(c.id(), type, c.needs(), c.condition(), with, c.retry(), c.timeoutMs(), c.runsOn(), c.forEach(), c.maxParallel(),
                c.disabled());
    }

    StepCommon common() {
        return new StepCommon(id, needs, condition, retry, timeoutMs, runsOn, forEach, maxParallel, disabled);
    }

    /**
     * The typed step. Never throws: a step that does not pass today's checks (a version published
     * before a check existed) becomes {@link StepSpec.Unusable}, which fails when it starts.
     */
    public StepSpec toSpec() {
        return StepParser.load(type, common(), with);
    }
}
