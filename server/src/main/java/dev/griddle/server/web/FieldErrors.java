package dev.griddle.server.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects problems with a request body, then throws them all at once as one 422. */
public final class FieldErrors {

    private final Map<String, List<String>> errors = new LinkedHashMap<>();

    public FieldErrors add(String field, String problem) {
        errors.computeIfAbsent(field, f -> new ArrayList<>()).add(problem);
        return this;
    }

    public FieldErrors required(String field, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            add(field, "required");
        }
        return this;
    }

    public FieldErrors maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            add(field, "must be at most " + max + " characters");
        }
        return this;
    }

    /** The problems by field, in the order they were added. */
    public Map<String, List<String>> asMap() {
        return java.util.Collections.unmodifiableMap(errors);
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ApiException.fieldErrors(errors);
        }
    }
}
