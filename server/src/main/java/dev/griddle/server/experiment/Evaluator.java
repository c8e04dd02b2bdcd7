package dev.griddle.server.experiment;

import tools.jackson.databind.JsonNode;

/**
 * One check of an experiment case's output (issue #18). {@code path}: where in the output (and in
 * the expected output) the check looks, a dotted path with {@code [n]} indices; null for the whole.
 * {@code value}: what to compare with instead of {@code expected}, when given.
 */
sealed interface Evaluator {

    String name();

    record EqualsCheck(String name, String path, JsonNode value) implements Evaluator {
    }

    record JsonSubset(String name, String path, JsonNode value) implements Evaluator {
    }

    record Cel(String name, String expression) implements Evaluator {
    }

    record Similarity(String name, String path, double min) implements Evaluator {
    }

    record LlmJudge(String name, String rubric, String model, double minScore) implements Evaluator {
    }

    /** An evaluation's result; {@code score} in 0..1 (1 or 0 for the checks that only pass or fail). */
    record Result(String name, boolean passed, double score, String reason) {
    }
}
