package dev.griddle.server.expr;

import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * CEL expressions and {@code {{ expr }}} templates over a run's context. The context is a JSON
 * object: {@code {input, steps: {<id>: {output}}, item, run, secrets}}.
 */
public interface Expressions {

    /** Evaluates a CEL expression to a JSON value. @throws ExpressionException naming the expression and why */
    JsonNode evaluate(String expression, JsonNode context);

    /** Evaluates an {@code if} condition; anything but a boolean is an {@link ExpressionException}. */
    boolean test(String expression, JsonNode context);

    /**
     * Renders every string in {@code template}: a string that is exactly one {@code {{ expr }}} keeps
     * the value's JSON type; otherwise each {@code {{ expr }}} is interpolated as text.
     */
    JsonNode render(JsonNode template, JsonNode context);

    /**
     * Compile-checks a CEL expression without running it. {@code knownSteps}: the step ids it may
     * name as {@code steps.<id>}; {@code item} is allowed only when {@code inForEach}.
     *
     * @return problems, empty when the expression is fine
     */
    List<String> check(String expression, Set<String> knownSteps, boolean inForEach);

    /** {@link #check} for every {@code {{ }}} in every string of a template. */
    List<String> checkTemplate(JsonNode template, Set<String> knownSteps, boolean inForEach);
}
