package dev.griddle.server.engine;

import dev.griddle.server.Refusal;
import java.util.List;
import java.util.Map;

/**
 * A start request the runner's version cannot take (its {@code step_overrides} name no step, or are
 * not {@code {"with": {...}}}): the API answers {@code 422 VALIDATION_FAILED} with
 * {@code details.field_errors}, one entry per bad field.
 */
public class InvalidStart extends Refusal {

    private final Map<String, List<String>> fieldErrors;

    InvalidStart(String field, String problem) {
        super("Invalid request body: " + field + " " + problem);
        this.fieldErrors = Map.of(field, List.of(problem));
    }

    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }
}
