package dev.griddle.server.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The body of create and update (JSON or YAML). On update a field left out (or null) keeps its
 * value, except {@code input_schema} and {@code output}, which an explicit {@code null} clears.
 * Step fields are typed so that a wrong JSON type is a 422 naming it; everything else about
 * the graph is checked by {@link RunnerValidator}, and an invalid draft may still be saved. {@code recording}
 * ({@code on} or {@code off}) and {@code redact} (JSONPaths, see {@link RedactPath}) say what its runs' recordings keep (issue #18);
 * they are checked on save, as they are no part of the graph.
 */
record RunnerDraft(String name, String description, String defaultModel, JsonNode inputSchema, UUID projectId,
        List<Step> steps, JsonNode output, String recording, List<String> redact) {

    /** A step as written by the user, before defaults: what the draft stores and returns. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Step(String id, String type, List<String> needs, @JsonProperty("if") String condition, JsonNode with, Retry retry,
            Long timeoutMs, List<String> runsOn, String forEach, Integer maxParallel, Boolean disabled) {

        /** The step with its defaults, as publishing stores it. */
        StoredStep toStored() {
            RetryPolicy policy = retry == null ? null : new RetryPolicy(
                    retry.maxAttempts() == null ? 0 : retry.maxAttempts(), retry.backoff(),
                    retry.initialIntervalMs() == null ? 0 : retry.initialIntervalMs(),
                    retry.maxIntervalMs() == null ? 0 : retry.maxIntervalMs());
            return new StoredStep(id, type, needs, condition, with, policy, timeoutMs, runsOn, forEach, maxParallel,
                    Boolean.TRUE.equals(disabled));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Retry(Integer maxAttempts, String backoff, Long initialIntervalMs, Long maxIntervalMs) {
    }
}
